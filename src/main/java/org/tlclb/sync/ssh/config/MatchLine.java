package org.tlclb.sync.ssh.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@code Match} line, evaluated as readconf.c's match_cfg_line does: every criterion must hold. {@code host} is
 * the HostName obtained so far (else the name as typed), {@code originalhost} the name as typed, {@code user} the
 * User obtained so far (else the default user). Criteria that run commands or look at this machine's networks are
 * refused rather than guessed.
 */
final class MatchLine {
    /** Criteria ssh knows that tlclb does not evaluate. */
    private static final Set<String> UNSUPPORTED = Set.of("exec", "localnetwork", "tagged", "version", "command",
            "sessiontype");

    private MatchLine() {
    }

    static boolean matches(ConfigLine l, HostConfigDraft d, String defaultUser, String localUser)
            throws SshConfigException {
        List<String> args = l.args();
        if (args.isEmpty()) {
            throw l.error("One or more attributes required for Match");
        }
        boolean result = true;
        int attributes = 0;
        for (int i = 0; i < args.size(); i++) {
            String attrib = args.get(i);
            boolean negate = attrib.startsWith("!");
            String name = (negate ? attrib.substring(1) : attrib).toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                if (attributes > 0 || i + 1 < args.size()) {
                    throw l.error("'" + attrib + "' cannot be combined with other Match attributes");
                }
                return result && !negate;
            }
            attributes++;
            if (name.equals("canonical") || name.equals("final")) {
                if (name.equals("final") && !negate) {
                    d.wantFinalPass = true;
                }
                if (d.finalPass == negate) {
                    result = false;
                }
                continue;
            }
            String arg;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                arg = attrib.substring(attrib.indexOf('=') + 1); // the value keeps its case
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                arg = args.get(++i);
            } else {
                throw l.error("missing argument for Match '" + attrib + "'");
            }
            if (UNSUPPORTED.contains(name)) {
                throw l.error("Match " + name + " is not supported by tlclb (it runs a command or inspects this"
                        + " machine); use Host or Match host blocks for the nodes");
            }
            if (arg.isEmpty()) {
                throw l.error("Missing Match criteria for " + name);
            }
            boolean r = switch (name) {
                case "host" -> Glob.matchesHost(arg, d.finalPass || d.hostName != null ? d.effectiveHostName() : d.host);
                case "originalhost" -> Glob.matchesHost(arg, d.host);
                case "user" -> Glob.matchesList(arg, d.user != null ? d.user : defaultUser, false);
                case "localuser" -> Glob.matchesList(arg, localUser, false);
                default -> throw l.error("Unsupported Match attribute " + name);
            };
            if (r == negate) {
                result = false;
            }
        }
        return result;
    }
}
