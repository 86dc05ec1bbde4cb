package org.tlclb.sync.ssh;

import java.util.List;

/** The host key algorithms the client can check against known_hosts, in the order it prefers them. */
final class HostKeyAlgorithms {
    /** Plain keys, ed25519 first (MINA's default puts ECDSA first; OpenSSH-written known_hosts hold ed25519). */
    static final List<String> PLAIN = List.of(
            "ssh-ed25519",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");

    /** OpenSSH host certificates, for hosts an {@code @cert-authority} line covers. */
    static final List<String> CERTIFICATES = List.of(
            "ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com");

    private HostKeyAlgorithms() {
    }
}
