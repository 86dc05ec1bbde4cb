package org.tlclb.sync.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.tlclb.sync.crypto.NativeCrypto;
import org.tlclb.sync.ssh.config.SshConfigException;

/**
 * The one SSH client of a run: connects to nodes in parallel with timeouts and retries, each along its route
 * (direct, or through ProxyJump hosts), verifies host keys and authenticates. The client is tuned for bulk
 * transfer ({@link ClientTuning}).
 * <p>
 * A jump is a {@link JumpTunnel}: a loopback port that carries only our own client's connection to the target,
 * on a direct-tcpip channel of the jump host's session (another local process's connection gets no byte), and the
 * target's session dies with the jump session and the other way round.
 */
public final class SshConnector implements AutoCloseable {
    private static final SshdSocketAddress LOOPBACK = new SshdSocketAddress("127.0.0.1", 0);

    private final SshSettings settings;
    private final Routes routes;
    private final SshClient client;

    SshConnector(SshSettings settings, Routes routes, KeyRing keys) {
        this.settings = settings;
        this.routes = routes;
        NativeCrypto.preload();
        this.client = SshClient.setUpDefaultClient();
        // Nothing of MINA's own lookups: no ~/.ssh/config of the JVM's user, no default keys.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(settings.trust());
        ClientTuning.apply(client, settings, routes.longestConnectTimeout());
        client.addSessionListener(new RouteSessionSetup(settings.trust(), client::getSignatureFactories));
        client.setServiceFactories(List.of(ClientUserAuthServiceFactory.INSTANCE, new KeepaliveServiceFactory()));
        // In batch no password is ever tried, so nothing can wait for one.
        client.setUserAuthFactories(settings.passwords() == PasswordSource.NONE
                ? List.of(new RouteKeyAuthFactory(keys))
                : List.of(new RouteKeyAuthFactory(keys), UserAuthPasswordFactory.INSTANCE));
        client.start();
    }

    /**
     * Connects and authenticates as {@code user} to the node named {@code host} (the name ssh_config matches) on
     * {@code port}, retrying connection failures (not refusals) with backoff.
     */
    public ClientSession connect(String user, String host, int port) throws IOException {
        SshRoute route;
        try {
            route = routes.node(user, host, port);
        } catch (SshConfigException e) {
            throw new NodeConnectException(e.getMessage(), false, e);
        }
        NodeConnectException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0) {
                sleep(Duration.ofMillis(500L << Math.min(attempt - 1, 5)));
            }
            try {
                return open(route);
            } catch (NodeConnectException e) {
                last = e;
                if (!e.retryable()) {
                    throw e;
                }
            }
        }
        throw last;
    }

    /** One attempt along the route: its jump hosts first, each authenticated, then the target. */
    private ClientSession open(SshRoute route) throws NodeConnectException {
        ClientSession via = null;
        JumpTunnel tunnel = null;
        ProxyCommandBridge proxy = null;
        ClientSession session = null;
        try {
            if (route.proxyCommand() != null) {
                proxy = ProxyCommandBridge.start(route.proxyCommand(), route.connectTimeout());
                session = handshake(route, proxy.address().getHostString(), proxy.address().getPort(), null);
                proxy.confirm(session.getIoSession().getLocalAddress());
                ProxyCommandBridge ends = proxy;
                session.addCloseFutureListener(f -> ends.close()); // the command goes with the connection
            } else if (route.jump() != null) {
                via = openHop(route.jump());
                tunnel = JumpTunnel.listen(via, new SshdSocketAddress(route.host(), route.port()));
                session = handshake(route, tunnel.address().getHostString(), tunnel.address().getPort(), tunnel);
                JumpTunnel ends = tunnel;
                session.addCloseFutureListener(f -> ends.close());
                tieLifetimes(via, session);
            } else {
                session = direct(route);
            }
            session.setUserInteraction(new PasswordInteraction(settings.passwords(), route.user(), route.host(),
                    route.port()));
            session.auth().verify(settings.authTimeout());
            return session;
        } catch (Throwable e) {
            KeyOffer.Report offer = session == null ? null : session.getAttribute(KeyOffer.REPORT);
            closeQuietly(session);
            NodeConnectException failure = explain(route, e, offer, via);
            closeQuietly(tunnel);
            closeQuietly(via);
            if (proxy != null) {
                proxy.close();
                failure = ConnectFailures.viaProxyCommand(route, failure, proxy.stderrTail());
            }
            throw failure;
        }
    }

    private ClientSession openHop(SshRoute hop) throws NodeConnectException {
        try {
            return open(hop);
        } catch (NodeConnectException e) {
            throw new NodeConnectException("jump host " + hop.where() + ": " + e.getMessage(), e.retryable(), e);
        }
    }

    /**
     * TCP connect and key exchange, bounded by the route's connect timeout; the host key is checked in between.
     * Through a jump {@code tunnel} (else null), the tunnel carries this connection once it is made, before any byte
     * of the target's.
     */
    private ClientSession handshake(SshRoute route, String address, int port, JumpTunnel tunnel) throws IOException {
        HostConfigEntry entry = new HostConfigEntry("", address, port, route.user());
        ConnectFuture cf = client.connect(entry, AttributeRepository.ofKeyValuePair(SshRoute.ATTRIBUTE, route), null);
        if (!cf.await(route.connectTimeout())) {
            cf.cancel();
            throw ConnectFailures.timedOut(route, "connect to");
        }
        Throwable failed = cf.getException();
        if (failed instanceof IOException io) {
            throw io;
        } else if (failed != null) {
            throw new IOException(failed.getMessage(), failed);
        }
        ClientSession session = cf.getSession();
        if (tunnel != null) {
            try {
                tunnel.carry(session.getIoSession().getLocalAddress(), route.connectTimeout());
            } catch (IOException | RuntimeException e) {
                closeQuietly(session);
                throw e;
            }
        }
        // A node that accepts TCP but never speaks SSH must fail within the connect timeout,
        // not the (longer) authentication one.
        Set<ClientSessionEvent> ev = session.waitFor(EnumSet.of(ClientSessionEvent.WAIT_AUTH,
                ClientSessionEvent.CLOSED, ClientSessionEvent.AUTHED), route.connectTimeout());
        if (ev.contains(ClientSessionEvent.TIMEOUT)) {
            closeQuietly(session);
            throw ConnectFailures.timedOut(route, "no SSH answer (the port accepts connections but does not speak"
                    + " SSH) from");
        }
        return session;
    }

    private NodeConnectException explain(SshRoute route, Throwable e, KeyOffer.Report offer, ClientSession via) {
        if (e instanceof NodeConnectException n) {
            return n;
        }
        String refusal = settings.trust().refusal(route.knownHostsName(), route.port()).orElse(null);
        if (refusal != null) {
            return new NodeConnectException(refusal, false, e);
        }
        if (e instanceof UnknownHostException u) {
            return ConnectFailures.unresolved(route, u);
        }
        if (route.jump() != null && via != null && offer == null) {
            // The tunnel closed before SSH came through it; MINA then closes the jump session too, so a new one
            // asks the jump host why it cannot open a connection to the target.
            String reason = probe(route);
            if (reason != null) {
                return ConnectFailures.unreachableVia(route, reason, e);
            }
        }
        return ConnectFailures.classify(route, e, offer);
    }

    /** Why the jump host cannot open a connection to the target, or null when it can (or cannot be asked). */
    private String probe(SshRoute route) {
        ClientSession via;
        try {
            via = open(route.jump());
        } catch (NodeConnectException e) {
            return null;
        }
        try (via; ChannelDirectTcpip ch = via.createDirectTcpipChannel(LOOPBACK,
                new SshdSocketAddress(route.host(), route.port()))) {
            ch.open().verify(route.connectTimeout());
            return null;
        } catch (IOException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause(); // MINA wraps the jump host's own reason
            }
            return String.valueOf(root.getMessage());
        }
    }

    /** Each address the name resolves to, in the resolver's order, until one accepts the connection (as ssh). */
    private ClientSession direct(SshRoute route) throws IOException {
        InetAddress[] all = InetAddress.getAllByName(route.host());
        for (int i = 0; ; i++) {
            try {
                return handshake(route, all[i].getHostAddress(), route.port(), null);
            } catch (ConnectException e) {
                if (i + 1 == all.length) {
                    throw e;
                }
            }
        }
    }

    private static void tieLifetimes(ClientSession via, ClientSession session) {
        session.addCloseFutureListener(f -> via.close(true));
        via.addCloseFutureListener(f -> session.close(true));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            if (c instanceof ClientSession s) {
                s.close(true);
            } else {
                c.close();
            }
        } catch (Exception ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException ignored) {
            // best effort at the end of a run
        }
    }
}
