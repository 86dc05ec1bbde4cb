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
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The server-key verifier for a run: OpenSSH known_hosts plus a {@link TrustPolicy}. It replaces MINA's default
 * verifier (which accepts everything) and its KnownHostsServerKeyVerifier (whose refusals carry no explanation and
 * whose appends are not safe against concurrent sessions). Thread-safe: one instance serves every node of a run. It
 * remembers why it refused each host:port so that the run can report it per node.
 */
public final class HostKeyTrust implements ServerKeyVerifier {

    /** Host key algorithms we can verify against known_hosts, ed25519 first (MINA's default puts ECDSA first). */
    private static final List<String> DEFAULT_ALGORITHMS = List.of(
            "ssh-ed25519",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");

    private final KnownHostsFile file;
    private final TrustPolicy policy;
    private final Prompter prompter;
    private final ConcurrentMap<String, String> refusals = new ConcurrentHashMap<>();
    /** One question on the terminal at a time; the file is re-read after waiting, since an earlier answer may cover us. */
    private final Object askLock = new Object();

    public HostKeyTrust(Path knownHosts, TrustPolicy policy, Prompter prompter) {
        this.file = new KnownHostsFile(knownHosts);
        this.policy = policy;
        this.prompter = prompter;
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

    /**
     * Host key algorithms for this host: those of the key types known_hosts holds for it first (as OpenSSH orders
     * them, so that a server with several host keys offers the one we can check), then the rest, ed25519 first.
     */
    public List<String> preferredHostKeyAlgorithms(String host, int port) {
        String name = HostPattern.lookupName(host, port);
        Set<String> knownFamilies = file.read().stream()
                .filter(KnownHostsEntry::plain)
                .filter(e -> HostPattern.matches(e.hosts(), name))
                .map(KnownHostsEntry::family)
                .collect(Collectors.toSet());
        Set<String> ordered = new LinkedHashSet<>();
        for (String alg : DEFAULT_ALGORITHMS) {
            if (knownFamilies.contains(KeyText.family(alg))) {
                ordered.add(alg);
            }
        }
        ordered.addAll(DEFAULT_ALGORITHMS);
        return new ArrayList<>(ordered);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        // Check the name the user connected to (OpenSSH's default, CheckHostIP=no); the peer IP is only shown.
        // (SshdSocketAddress keeps the host string as given, so a name is not replaced by its address.)
        SocketAddress target = session.getConnectAddress();
        SshdSocketAddress connect = SshdSocketAddress.toSshdSocketAddress(target != null ? target : remoteAddress);
        String ip = remoteAddress instanceof InetSocketAddress r && r.getAddress() != null
                ? r.getAddress().getHostAddress() : connect.getHostName();
        return verify(connect.getHostName(), connect.getPort(), ip, serverKey);
    }

    /** The decision for a key offered by host:port (ip is only used in the question, as OpenSSH shows it). */
    public boolean verify(String host, int port, String ip, PublicKey key) {
        String id = host + ":" + port;
        Optional<String> refusal;
        try {
            refusal = decide(host, port, ip == null ? host : ip, key);
        } catch (IOException | UncheckedIOException e) {
            refusal = Optional.of("Host key verification failed for " + id + ": cannot use known_hosts file "
                    + file.path() + ": " + e.getMessage());
        }
        if (refusal.isPresent()) {
            refusals.put(id, refusal.get());
            return false;
        }
        refusals.remove(id);
        return true;
    }

    private Optional<String> decide(String host, int port, String ip, PublicKey key) throws IOException {
        String name = HostPattern.lookupName(host, port);
        byte[] blob = KeyText.blob(key);
        String family = keyType(key);
        List<KnownHostsEntry> forHost = file.read().stream()
                .filter(e -> HostPattern.matches(e.hosts(), name))
                .collect(Collectors.toList());

        // Revoked first: a key listed as @revoked is refused even if a plain line also lists it.
        for (KnownHostsEntry e : forHost) {
            if (e.revoked() && e.sameKey(blob)) {
                return Optional.of(RefusalText.revoked(name, family, fingerprint(key), file.path(), e));
            }
        }
        List<KnownHostsEntry> plain = forHost.stream().filter(KnownHostsEntry::plain).collect(Collectors.toList());
        if (plain.stream().anyMatch(e -> e.sameKey(blob))) {
            return Optional.empty();
        }
        Optional<KnownHostsEntry> sameFamily = plain.stream().filter(e -> e.family().equals(family)).findFirst();
        if (sameFamily.isPresent()) {
            // Changed key: refused under every policy; never asked, never replaced.
            return Optional.of(RefusalText.changed(name, family, fingerprint(key), file.path(), sameFamily.get()));
        }
        List<KnownHostsEntry> otherFamilies = plain;
        return unknown(host, port, ip, key, otherFamilies);
    }

    private Optional<String> unknown(String host, int port, String ip, PublicKey key,
            List<KnownHostsEntry> otherFamilies) throws IOException {
        String name = HostPattern.lookupName(host, port);
        String family = keyType(key);
        String fp = fingerprint(key);
        boolean canAsk = policy == TrustPolicy.ASK && prompter.interactive();
        if (!otherFamilies.isEmpty() && !canAsk) {
            // The host is known with another key type only: not "new", so accept-new must not record it silently.
            return Optional.of(RefusalText.otherType(name, family, fp, file.path(), otherFamilies, port, host));
        }
        if (policy == TrustPolicy.ACCEPT_NEW) {
            file.append(name, key);
            return Optional.empty();
        }
        if (!canAsk) {
            return Optional.of(RefusalText.unknown(name, family, fp, file.path(), host, port));
        }
        synchronized (askLock) {
            if (file.read().stream().anyMatch(e -> e.plain() && e.sameKey(KeyText.blob(key))
                    && HostPattern.matches(e.hosts(), name))) {
                return Optional.empty(); // answered meanwhile for this host (e.g. two connections to one node)
            }
            String question = RefusalText.question(name, HostPattern.lookupName(ip, port), family, fp, otherFamilies);
            if (prompter.confirm(question)) {
                file.append(name, key);
                return Optional.empty();
            }
        }
        return Optional.of("Host key verification failed for " + name + ": the " + family + " key " + fp
                + " was not accepted at the prompt.");
    }
}
