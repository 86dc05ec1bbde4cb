package org.tlclb.sync.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key pairs of a run, by file, loaded before any node is contacted so that each passphrase is asked once, up
 * front. An encrypted key that cannot be decrypted for lack of a terminal is no error when the route's agent holds
 * it (its {@code .pub} next to it says which key it is): the agent signs instead, as with ssh.
 */
final class KeyRing {
    private final Prompter prompter;
    private final Map<Path, List<KeyPair>> byFile = new ConcurrentHashMap<>();
    /** Public key blobs (base64) each agent socket holds, asked once. */
    private final Map<Path, Set<String>> agentKeys = new ConcurrentHashMap<>();

    KeyRing(Prompter prompter) {
        this.prompter = prompter;
    }

    /**
     * Loads every key file of the routes and of their jump hosts.
     *
     * @param named the files the user named (-i, IdentityFile of sync.conf): each must exist
     */
    void loadFor(Collection<SshRoute> routes, List<Path> named) throws IdentityException {
        for (Path p : named) {
            Identities.requireFile(p);
        }
        for (SshRoute r : routes) {
            for (SshRoute hop : r.hops()) {
                for (Path f : files(hop)) {
                    load(f, hop);
                }
            }
        }
    }

    /** The pairs of one file, loading it now if no route named it before. */
    List<KeyPair> pairs(Path file, SshRoute route) throws IdentityException {
        List<KeyPair> known = byFile.get(file);
        if (known != null) {
            return known;
        }
        load(file, route);
        return byFile.getOrDefault(file, List.of());
    }

    private static List<Path> files(SshRoute r) {
        List<Path> all = new ArrayList<>(r.identityFiles());
        all.addAll(r.defaultKeyFiles());
        return all;
    }

    /** Loads a key file once per run, so its passphrase is asked once. */
    private synchronized void load(Path file, SshRoute route) throws IdentityException {
        if (byFile.containsKey(file)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            byFile.put(file, List.of()); // a default key file that does not exist: nothing to offer
            return;
        }
        try {
            byFile.put(file, Identities.load(file, prompter));
        } catch (Identities.PassphraseNeededException e) {
            if (!agentHolds(route, file)) {
                throw e;
            }
            byFile.put(file, List.of()); // the agent offers and signs with this key
        }
    }

    private boolean agentHolds(SshRoute route, Path file) {
        if (route.agent() == null) {
            return false;
        }
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        String blob;
        try {
            String[] f = Files.readString(pub, StandardCharsets.UTF_8).strip().split("\\s+");
            if (f.length < 2) {
                return false;
            }
            blob = f[1];
        } catch (IOException e) {
            return false;
        }
        return agentKeys.computeIfAbsent(route.agent(), KeyRing::listAgent).contains(blob);
    }

    private static Set<String> listAgent(Path socket) {
        Set<String> blobs = ConcurrentHashMap.newKeySet();
        try (UnixSocketAgent agent = UnixSocketAgent.open(socket)) {
            for (Map.Entry<PublicKey, String> e : agent.getIdentities()) {
                blobs.add(KeyText.line(e.getKey()).split(" ", 3)[1]);
            }
        } catch (IOException | RuntimeException e) {
            // no agent there, or a locked one: it holds nothing we can use
        }
        return blobs;
    }
}
