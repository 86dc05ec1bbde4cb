package org.tlclb.sync.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The server-key verifier for a run: OpenSSH known_hosts files plus a {@link TrustPolicy}, per connection as its
 * route says (user files, then system files). It replaces MINA's default verifier (which accepts everything) and
 * its KnownHostsServerKeyVerifier (whose refusals carry no explanation and whose appends are not safe against
 * concurrent sessions). Checks follow ssh's check_host_key: a revoked key or CA is refused; a host certificate is
 * accepted when an {@code @cert-authority} line for the host holds its CA (MINA has checked the certificate's
 * signature, validity and principals), else its key is checked as a plain key; a different key of a known type is a
 * changed key, refused under every policy. Thread-safe: one instance serves every node of a run. It remembers why it
 * refused each host:port so that the run can report it per node.
 */
public final class HostKeyTrust implements ServerKeyVerifier {

    private final KnownHostsRules defaults;
    private final Prompter prompter;
    private final ConcurrentMap<String, String> refusals = new ConcurrentHashMap<>();
    /** One question on the terminal at a time; the files are re-read after waiting, since an earlier answer may cover us. */
    private final Object askLock = new Object();

    /** @param defaults the rules for a connection that carries no route (tests, and hosts checked directly) */
    public HostKeyTrust(KnownHostsRules defaults, Prompter prompter) {
        this.defaults = defaults;
        this.prompter = prompter;
    }

    /** One known_hosts file, read and written. */
    public HostKeyTrust(Path knownHosts, TrustPolicy policy, Prompter prompter) {
        this(KnownHostsRules.single(knownHosts, policy), prompter);
    }

    /** The full multi-line explanation of the last refusal for host:port, if the last verification refused it. */
    public Optional<String> refusal(String host, int port) {
        return Optional.ofNullable(refusals.get(host + ":" + port));
    }

    /** "SHA256:base64-without-padding", exactly what {@code ssh-keygen -lf} prints. */
    public static String fingerprint(PublicKey key) {
        return KeyText.fingerprint(KeyText.blob(key));
    }

    /** "ED25519", "ECDSA", "RSA" as OpenSSH prints in its ask prompt. */
    public static String keyType(PublicKey key) {
        return KeyText.family(KeyText.typeName(key));
    }

    public List<String> preferredHostKeyAlgorithms(String host, int port) {
        return preferredHostKeyAlgorithms(defaults, host, port);
    }

    /**
     * Host key algorithms for this host: certificate algorithms first when an {@code @cert-authority} line covers
     * it, then those of the key types the files hold for it (as OpenSSH orders them, so that a server with several
     * host keys offers the one we can check), then the rest, ed25519 first. Certificate algorithms are offered only
     * for such hosts: a certificate we cannot check would only be dropped again.
     */
    List<String> preferredHostKeyAlgorithms(KnownHostsRules rules, String host, int port) {
        String name = HostPattern.lookupName(host, port);
        List<KnownHostsEntry> entries = KnownHostsFiles.entriesFor(rules, name);
        Set<String> knownFamilies = entries.stream().filter(KnownHostsEntry::plain).map(KnownHostsEntry::family)
                .collect(Collectors.toSet());
        Set<String> ordered = new LinkedHashSet<>();
        if (entries.stream().anyMatch(KnownHostsEntry::certAuthority)) {
            ordered.addAll(HostKeyAlgorithms.CERTIFICATES);
        }
        for (String alg : HostKeyAlgorithms.PLAIN) {
            if (knownFamilies.contains(KeyText.family(alg))) {
                ordered.add(alg);
            }
        }
        ordered.addAll(HostKeyAlgorithms.PLAIN);
        return new ArrayList<>(ordered);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        SshRoute route = session.getConnectionContext() == null ? null
                : session.getConnectionContext().getAttribute(SshRoute.ATTRIBUTE);
        String ip = remoteAddress instanceof InetSocketAddress r && r.getAddress() != null
                ? r.getAddress().getHostAddress() : null;
        if (route != null) {
            // Through a jump host the peer is the local end of the tunnel: show the target instead.
            return verify(route.trust(), route.knownHostsName(), route.port(),
                    route.jump() == null && ip != null ? ip : route.host(), serverKey);
        }
        // Check the name the user connected to (OpenSSH's default, CheckHostIP=no); the peer IP is only shown.
        SocketAddress target = session.getConnectAddress();
        SshdSocketAddress connect = SshdSocketAddress.toSshdSocketAddress(target != null ? target : remoteAddress);
        return verify(defaults, connect.getHostName(), connect.getPort(), ip != null ? ip : connect.getHostName(),
                serverKey);
    }

    /** The decision for a key offered by host:port under the default rules (ip is only shown in the question). */
    public boolean verify(String host, int port, String ip, PublicKey key) {
        return verify(defaults, host, port, ip, key);
    }

    boolean verify(KnownHostsRules rules, String host, int port, String ip, PublicKey key) {
        String id = host + ":" + port;
        Optional<String> refusal;
        try {
            refusal = decide(rules, host, port, ip == null ? host : ip, key);
        } catch (IOException | UncheckedIOException e) {
            refusal = Optional.of("Host key verification failed for " + id + ": cannot use known_hosts: "
                    + e.getMessage());
        }
        if (refusal.isPresent()) {
            refusals.put(id, refusal.get());
            return false;
        }
        refusals.remove(id);
        return true;
    }

    private Optional<String> decide(KnownHostsRules rules, String host, int port, String ip, PublicKey offered)
            throws IOException {
        String name = HostPattern.lookupName(host, port);
        List<KnownHostsEntry> forHost = KnownHostsFiles.entriesFor(rules, name);
        PublicKey key = offered;
        if (offered instanceof OpenSshCertificate cert) {
            byte[] ca = KeyText.blob(cert.getCaPubKey());
            byte[] certified = KeyText.blob(cert.getCertPubKey());
            for (KnownHostsEntry e : forHost) {
                if (e.revoked() && (e.sameKey(ca) || e.sameKey(certified))) {
                    return Optional.of(RefusalText.revoked(name, keyType(cert.getCertPubKey()),
                            fingerprint(e.sameKey(ca) ? cert.getCaPubKey() : cert.getCertPubKey()), e));
                }
            }
            if (forHost.stream().anyMatch(e -> e.certAuthority() && e.sameKey(ca))) {
                return Optional.empty();
            }
            key = cert.getCertPubKey(); // no CA for it here: check the certified key as a plain key, as ssh does
        }
        byte[] blob = KeyText.blob(key);
        String family = keyType(key);
        // Revoked first: a key listed as @revoked is refused even if a plain line also lists it.
        for (KnownHostsEntry e : forHost) {
            if (e.revoked() && e.sameKey(blob)) {
                return Optional.of(RefusalText.revoked(name, family, fingerprint(key), e));
            }
        }
        List<KnownHostsEntry> plain = forHost.stream().filter(KnownHostsEntry::plain).toList();
        if (plain.stream().anyMatch(e -> e.sameKey(blob))) {
            return Optional.empty();
        }
        Optional<KnownHostsEntry> sameFamily = plain.stream().filter(e -> e.family().equals(family)).findFirst();
        if (sameFamily.isPresent()) {
            // Changed key: refused under every policy; never asked, never replaced.
            return Optional.of(RefusalText.changed(name, family, fingerprint(key), sameFamily.get()));
        }
        return unknown(rules, host, port, ip, key, plain);
    }

    private Optional<String> unknown(KnownHostsRules rules, String host, int port, String ip, PublicKey key,
            List<KnownHostsEntry> otherFamilies) throws IOException {
        String name = HostPattern.lookupName(host, port);
        String family = keyType(key);
        String fp = fingerprint(key);
        TrustPolicy policy = rules.policy();
        boolean canAsk = policy == TrustPolicy.ASK && prompter.interactive();
        if (!otherFamilies.isEmpty() && !canAsk) {
            // The host is known with another key type only: not "new", so accept-new must not record it silently.
            return Optional.of(RefusalText.otherType(name, family, fp, otherFamilies, rules, port, host));
        }
        if (policy == TrustPolicy.ACCEPT_NEW) {
            record(rules, name, key);
            return Optional.empty();
        }
        if (!canAsk) {
            return Optional.of(RefusalText.unknown(name, family, fp, rules, host, port));
        }
        synchronized (askLock) {
            byte[] blob = KeyText.blob(key);
            if (KnownHostsFiles.entriesFor(rules, name).stream().anyMatch(e -> e.plain() && e.sameKey(blob))) {
                return Optional.empty(); // answered meanwhile for this host (e.g. two connections to one node)
            }
            String question = RefusalText.question(name, HostPattern.lookupName(ip, port), family, fp, otherFamilies);
            if (prompter.confirm(question)) {
                record(rules, name, key);
                return Optional.empty();
            }
        }
        return Optional.of("Host key verification failed for " + name + ": the " + family + " key " + fp
                + " was not accepted at the prompt.");
    }

    /** Into the first user file, hashed when HashKnownHosts says so; with no user file the key is trusted once. */
    private static void record(KnownHostsRules rules, String name, PublicKey key) throws IOException {
        Path target = rules.writeTarget();
        if (target != null) {
            new KnownHostsFile(target).append(name, key, rules.hashNew());
        }
    }
}
