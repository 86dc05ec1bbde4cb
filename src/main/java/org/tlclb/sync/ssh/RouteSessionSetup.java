package org.tlclb.sync.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSessionCreator;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * Applies a connection's route to its session as soon as MINA creates it, before our key exchange offer goes out:
 * the host key algorithms its known_hosts lines hold first (as OpenSSH orders them), the target as the connect
 * address (through a jump host MINA would see the tunnel's local end, and check a host certificate's principals
 * against it). (Keepalives are set earlier, in {@link KeepaliveServiceFactory}.)
 */
final class RouteSessionSetup implements SessionListener {
    private final HostKeyTrust trust;
    private final Supplier<List<NamedFactory<Signature>>> signatures;

    RouteSessionSetup(HostKeyTrust trust, Supplier<List<NamedFactory<Signature>>> signatures) {
        this.trust = trust;
        this.signatures = signatures;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!(session instanceof ClientSession cs) || cs.getConnectionContext() == null) {
            return;
        }
        SshRoute route = cs.getConnectionContext().getAttribute(SshRoute.ATTRIBUTE);
        if (route == null) {
            return;
        }
        cs.setAttribute(ClientSessionCreator.TARGET_SERVER, new SshdSocketAddress(route.host(), route.port()));
        List<String> order = trust.preferredHostKeyAlgorithms(route.trust(), route.knownHostsName(), route.port());
        List<NamedFactory<Signature>> all = signatures.get();
        List<NamedFactory<Signature>> sorted = new ArrayList<>();
        for (String name : order) {
            all.stream().filter(f -> f.getName().equals(name)).findFirst().ifPresent(sorted::add);
        }
        for (NamedFactory<Signature> f : all) {
            if (!sorted.contains(f)) {
                sorted.add(f);
            }
        }
        session.setSignatureFactories(sorted);
    }
}
