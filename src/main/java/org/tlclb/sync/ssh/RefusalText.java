package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The words of host key questions and refusals: what happened, which node, which file and line, and how to fix it. */
final class RefusalText {
    private RefusalText() {
    }

    /** OpenSSH's wording, so that users recognise the question and know to compare the fingerprint. */
    static String question(String name, String ipName, String family, String fp, List<KnownHostsEntry> others) {
        StringBuilder sb = new StringBuilder();
        sb.append("The authenticity of host '").append(name).append(" (").append(ipName).append(")' can't be established.\n");
        sb.append(family).append(" key fingerprint is ").append(fp).append(".\n");
        if (!others.isEmpty()) {
            sb.append("Host keys of other types are already known for this host: ").append(families(others))
                    .append(". Accept this one only if the node really has a new ").append(family).append(" key.\n");
        }
        sb.append("Are you sure you want to continue connecting (yes/no)?");
        return sb.toString();
    }

    static String unknown(String name, String family, String fp, KnownHostsRules rules, String host, int port) {
        return "Host key verification failed for " + name + ": the host is not in " + files(rules.searched()) + ".\n"
                + "It offered " + article(family) + " " + family + " key with fingerprint " + fp + ".\n"
                + fixUnknown(rules, host, port);
    }

    static String otherType(String name, String family, String fp, List<KnownHostsEntry> others,
            KnownHostsRules rules, int port, String host) {
        return "Host key verification failed for " + name + ": it offered " + article(family) + " " + family + " key (" + fp + ")"
                + " but known_hosts knows it only with " + families(others) + " keys (" + others.get(0).where()
                + ").\n"
                + "A node that stops offering its known key type may be an impostor.\n"
                + fixUnknown(rules, host, port);
    }

    static String changed(String name, String family, String fp, KnownHostsEntry known) {
        Path file = known.file();
        return "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                + "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
                + "The " + family + " host key of node " + name + " has changed. Refusing to connect"
                + " (a changed key is refused under every host key policy).\n"
                + "Someone could be intercepting the connection (man-in-the-middle), or the node was reinstalled.\n"
                + "Known key:   " + known.fingerprint() + " (" + file + " line " + known.lineNumber() + ")\n"
                + "Offered key: " + fp + "\n"
                + "If the change is expected, remove the old entry: ssh-keygen -R " + shellQuote(name) + " -f "
                + shellQuote(file.toString()) + "\n"
                + "then connect again to record the new key.";
    }

    static String revoked(String name, String family, String fp, KnownHostsEntry entry) {
        return "Host key verification failed for " + name + ": its " + family + " key " + fp
                + " is marked @revoked in " + entry.where() + ".\n"
                + "A revoked key is refused under every host key policy. The node must get a new host key;"
                + " do not remove the @revoked line unless you know why it was added.";
    }

    private static String fixUnknown(KnownHostsRules rules, String host, int port) {
        Path file = rules.writeTarget();
        String target = file != null ? file.toString() : "~/.ssh/known_hosts";
        return "To trust it, check the fingerprint on the node (ssh-keygen -lf /etc/ssh/ssh_host_" + "*_key.pub), then either\n"
                + "  ssh-keyscan" + (rules.hashNew() ? " -H" : "") + " -p " + port + " " + shellQuote(host) + " >> "
                + shellQuote(target) + "\n"
                + "or run once with --host-key-policy accept-new.";
    }

    /** "a", "a or b", "a, b or c". */
    private static String files(List<Path> files) {
        if (files.isEmpty()) {
            return "any known_hosts file (none is configured)";
        }
        List<String> names = files.stream().map(Path::toString).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static String families(List<KnownHostsEntry> entries) {
        return entries.stream().map(KnownHostsEntry::family).distinct().collect(Collectors.joining(", "));
    }

    /** Single-quotes for the shell when needed: [host]:port would otherwise be a glob. */
    static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_@%+=:,./~-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** "an ED25519 key", "an ECDSA key", "an RSA key": the article goes by the spoken letter. */
    private static String article(String family) {
        return !family.isEmpty() && "AEIOUFHLMNRSX".indexOf(Character.toUpperCase(family.charAt(0))) >= 0 ? "an" : "a";
    }
}
