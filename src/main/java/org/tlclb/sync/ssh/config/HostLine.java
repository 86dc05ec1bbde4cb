package org.tlclb.sync.ssh.config;

/** A {@code Host} line: active when a pattern matches the name as typed and no negated pattern does. */
final class HostLine {
    private HostLine() {
    }

    static boolean matches(ConfigLine l, String host) throws SshConfigException {
        boolean active = false;
        for (String arg : l.args()) {
            if (arg.isEmpty()) {
                throw l.error("keyword host empty argument");
            }
            boolean negated = arg.startsWith("!");
            if (Glob.matches(negated ? arg.substring(1) : arg, host)) {
                if (negated) {
                    return false;
                }
                active = true;
            }
        }
        return active;
    }
}
