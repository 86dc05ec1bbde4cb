package org.tlclb.sync.ssh;

/**
 * What to do with a host whose key known_hosts does not hold. A changed or revoked key is refused under every policy.
 * (The config package has its own HostKeyPolicy with the same constants; the CLI maps between them so that this
 * package does not depend on the configuration model.)
 */
public enum TrustPolicy {
    /** Refuse unknown hosts: the default without a terminal. */
    STRICT,
    /** Show the fingerprint and ask, as OpenSSH does: the default on a terminal; STRICT when nobody can answer. */
    ASK,
    /** Record unknown hosts in known_hosts and continue (OpenSSH StrictHostKeyChecking=accept-new). */
    ACCEPT_NEW
}
