package org.tlclb.sync.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.sshd.client.auth.pubkey.KeyAgentIdentity;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.signature.SignatureFactoriesManager;

/**
 * The keys one authentication offers, in the order SPEC section 5 gives (and ssh uses): the files named (-i,
 * IdentityFile), then the agent's keys (not with IdentitiesOnly), then, when no file was named, the default files.
 * A key the agent holds that is also a named file is offered once. The agent connection lives as long as the
 * authentication. What was offered is kept on the session, for the message when nothing was accepted.
 */
final class KeyOffer implements Iterator<PublicKeyIdentity>, Closeable {
    /** What an authentication offered; read after a failure. */
    static final AttributeKey<Report> REPORT = new AttributeKey<>();

    /**
     * @param offered    one line per key offered: its file, or "ssh-agent key COMMENT"
     * @param agentState what the agent gave, or why it was not asked, for "looked in ..."
     */
    record Report(List<String> offered, String agentState) {
    }

    private final Iterator<Candidate> candidates;
    private final UnixSocketAgent agent;

    private record Candidate(PublicKeyIdentity identity, String label) {
    }

    KeyOffer(ClientSession session, SignatureFactoriesManager manager, SshRoute route, KeyRing ring) {
        List<Candidate> list = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        List<PublicKey> named = new ArrayList<>();
        addFiles(route.identityFiles(), session, manager, route, ring, list, named);
        UnixSocketAgent a = null;
        String agentState;
        if (route.identitiesOnly()) {
            agentState = "the ssh-agent (not asked: IdentitiesOnly yes)";
        } else if (route.agent() == null) {
            agentState = route.agentNote();
        } else {
            try {
                a = UnixSocketAgent.open(route.agent());
                int n = 0;
                for (Map.Entry<PublicKey, String> e : a.getIdentities()) {
                    n++;
                    if (named.stream().noneMatch(k -> KeyText.line(k).equals(KeyText.line(e.getKey())))) {
                        list.add(new Candidate(new KeyAgentIdentity(a, e.getKey(), e.getValue()),
                                "ssh-agent key " + HostKeyTrust.fingerprint(e.getKey()) + " " + e.getValue()));
                    }
                }
                agentState = "the ssh-agent at " + route.agent() + (n == 0 ? " (no keys: empty or locked)"
                        : " (" + n + " key" + (n == 1 ? "" : "s") + ")");
            } catch (IOException | RuntimeException e) {
                // A locked or absent agent is not an error: ssh goes on with the files.
                agentState = "the ssh-agent at " + route.agent() + " (no answer: " + e.getMessage() + ")";
            }
        }
        if (route.identityFiles().isEmpty()) {
            addFiles(route.defaultKeyFiles(), session, manager, route, ring, list, named);
        }
        this.agent = a;
        Report report = new Report(offered, agentState);
        session.setAttribute(REPORT, report);
        Iterator<Candidate> it = list.iterator();
        this.candidates = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Candidate next() {
                Candidate c = it.next();
                synchronized (offered) {
                    offered.add(c.label());
                }
                return c;
            }
        };
    }

    private static void addFiles(List<Path> files, ClientSession session, SignatureFactoriesManager manager,
            SshRoute route, KeyRing ring, List<Candidate> list, List<PublicKey> named) {
        for (Path f : files) {
            List<KeyPair> pairs;
            try {
                pairs = ring.pairs(f, route);
            } catch (IdentityException e) {
                continue; // not loadable now (a node resolved after the start): the others are still offered
            }
            for (KeyPair kp : pairs) {
                named.add(kp.getPublic());
                list.add(new Candidate(new KeyPairIdentity(manager, session, kp), f.toString()));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return candidates.hasNext();
    }

    @Override
    public PublicKeyIdentity next() {
        if (!candidates.hasNext()) {
            throw new NoSuchElementException();
        }
        return candidates.next().identity();
    }

    @Override
    public void close() throws IOException {
        if (agent != null) {
            agent.close();
        }
    }
}
