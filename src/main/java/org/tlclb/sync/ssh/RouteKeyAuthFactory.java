package org.tlclb.sync.ssh;

import java.io.IOException;
import java.util.Iterator;

import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.signature.SignatureFactoriesManager;

/**
 * MINA's public-key authentication with the run's own key order ({@link KeyOffer}) instead of MINA's (agent
 * first, then the client's keys), per connection from its route.
 */
final class RouteKeyAuthFactory extends UserAuthPublicKeyFactory {
    private final KeyRing ring;

    RouteKeyAuthFactory(KeyRing ring) {
        this.ring = ring;
    }

    @Override
    public UserAuthPublicKey createUserAuth(ClientSession session) throws IOException {
        return new UserAuthPublicKey(getSignatureFactories()) {
            @Override
            protected Iterator<PublicKeyIdentity> createPublicKeyIterator(ClientSession s,
                    SignatureFactoriesManager manager) throws Exception {
                SshRoute route = s.getConnectionContext() == null ? null
                        : s.getConnectionContext().getAttribute(SshRoute.ATTRIBUTE);
                if (route == null) {
                    return super.createPublicKeyIterator(s, manager);
                }
                return new KeyOffer(s, manager, route, ring);
            }
        };
    }
}
