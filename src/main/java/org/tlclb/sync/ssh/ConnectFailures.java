package org.tlclb.sync.ssh;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.sshd.common.SshException;

/** The words for a connection that failed: what happened to which host, and what to do about it. */
final class ConnectFailures {
    private ConnectFailures() {
    }

    /** A host that neither DNS nor /etc/hosts knows; says where the name came from. */
    static NodeConnectException unresolved(SshRoute r, UnknownHostException e) {
        return new NodeConnectException("cannot resolve " + r.host() + " (" + r.origin() + "): no such host in DNS"
                + " or /etc/hosts; check the name", false, e);
    }

    /** The jump host could not open the tunnel to the target; its sshd's reason says why. */
    static NodeConnectException unreachableVia(SshRoute r, String reason, Throwable e) {
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("not known") || lower.contains("name resolution") || lower.contains("no address")) {
            return new NodeConnectException("cannot resolve " + r.host() + " (" + r.origin() + ") on jump host "
                    + r.jump().where() + ": " + reason, false, e);
        }
        return new NodeConnectException("jump host " + r.jump().where() + " cannot reach " + hostPort(r) + ": "
                + reason, true, e);
    }

    /** A failure through a ProxyCommand, with what the command said on its standard error, if anything. */
    static NodeConnectException viaProxyCommand(SshRoute r, NodeConnectException failure, String said) {
        String text = failure.getMessage() + " (through ProxyCommand " + r.proxyCommand()
                + (said.isEmpty() ? "" : ", which said: " + said.replace('\n', ' ')) + ")";
        return new NodeConnectException(text, failure.retryable(), failure);
    }

    static NodeConnectException timedOut(SshRoute r, String what) {
        return new NodeConnectException(what + " " + hostPort(r) + " within " + r.connectTimeout().toSeconds()
                + " s", true, null);
    }

    /** Everything else, from the innermost cause; the offer report (may be null) explains an authentication. */
    static NodeConnectException classify(SshRoute r, Throwable e, KeyOffer.Report offer) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new NodeConnectException("cannot connect to " + hostPort(r) + " (" + msg
                    + "): is sshd running there?", true, e);
        }
        if (lower.contains("no more authentication methods") || lower.contains("authentication")) {
            return authentication(r, offer, e);
        }
        if (lower.contains("keyexchange") && (lower.contains("certificate") || lower.contains("principal")
                || lower.contains("ca "))) {
            return new NodeConnectException("Host key verification failed for " + r.knownHostsName() + ": its host"
                    + " certificate is not valid for this host (" + msg + ")", false, e);
        }
        if (e instanceof SshException && lower.contains("timeout") || lower.contains("timed out")) {
            return new NodeConnectException("no SSH answer from " + hostPort(r) + " within "
                    + r.connectTimeout().toSeconds() + " s", true, e);
        }
        return new NodeConnectException("SSH to " + r.where() + " failed: " + msg, true, e);
    }

    private static NodeConnectException authentication(SshRoute r, KeyOffer.Report offer, Throwable e) {
        if (offer != null && offer.offered().isEmpty()) {
            return new NodeConnectException("authentication failed for " + r.where() + ": no key found: looked in "
                    + lookedIn(r, offer) + "; make a key (ssh-keygen -t ed25519) and install it with 'tlclb keys"
                    + " install', or name one with -i", false, e);
        }
        String offered = offer == null ? "" : " (offered " + String.join(", ", offer.offered()) + ")";
        return new NodeConnectException("authentication failed for " + r.where() + ": no key was accepted" + offered
                + "; run 'tlclb keys install' to put your key on the node", false, e);
    }

    private static String lookedIn(SshRoute r, KeyOffer.Report offer) {
        List<String> places = new ArrayList<>();
        if (!r.identityFiles().isEmpty()) {
            places.add(String.join(", ", r.identityFiles().stream()
                    .map(p -> Files.isRegularFile(p) ? p.toString() : p + " (missing)").toList()));
        }
        places.add(offer.agentState());
        if (!r.defaultKeyFiles().isEmpty()) {
            boolean none = r.defaultKeyFiles().stream().noneMatch(Files::isRegularFile);
            places.add(String.join(", ", r.defaultKeyFiles().stream().map(Path::toString).toList())
                    + (none ? " (none exist)" : ""));
        }
        return String.join("; ", places);
    }

    static String hostPort(SshRoute r) {
        return (r.host().indexOf(':') >= 0 ? "[" + r.host() + "]" : r.host()) + ":" + r.port();
    }
}
