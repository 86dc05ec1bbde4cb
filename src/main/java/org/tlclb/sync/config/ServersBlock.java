package org.tlclb.sync.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Servers ... EndServers} block, in the load balancer's own shape so a block can be
 * copied verbatim from its configuration: the forwarding tokens {@code direct}, {@code tunnel},
 * {@code nat} and {@code noping} mean nothing to a push and are accepted and ignored.
 */
final class ServersBlock {
    private final String file;
    private final List<ServerEntry> entries = new ArrayList<>();
    /** Names are matched case-insensitively by -w and -x, so node1 and NODE1 would be ambiguous. */
    private final Map<String, Integer> names = new HashMap<>();
    private int openLine;   // line of the open Servers, 0 when outside a block
    private int firstBlock; // line of the first Servers seen, 0 when none yet

    ServersBlock(String file) {
        this.file = file;
    }

    /**
     * Takes Servers, Server and EndServers lines; returns false for other keywords, which are not
     * allowed while a block is open.
     */
    boolean handles(Keyword kw, List<String> args, Where at) throws ConfigException {
        switch (kw) {
            case SERVERS:
                if (openLine > 0) {
                    throw at.error("Servers inside a Servers block (the block opened at line " + openLine
                            + " needs EndServers first)");
                }
                if (firstBlock > 0) {
                    throw at.error("second Servers block (the first is at line " + firstBlock
                            + "; expected every Server line in one block)");
                }
                openLine = at.line();
                firstBlock = at.line();
                return true;
            case END_SERVERS:
                if (openLine == 0) {
                    throw at.error("EndServers without a Servers line before it (expected Servers ... EndServers)");
                }
                openLine = 0;
                return true;
            case SERVER:
                if (openLine == 0) {
                    throw at.error("Server outside a Servers block (expected Server lines between Servers and EndServers)");
                }
                entries.add(server(args, at));
                return true;
            default:
                if (openLine > 0) {
                    throw at.error(kw.spelling + " inside the Servers block opened at line " + openLine
                            + " (expected Server or EndServers)");
                }
                return false;
        }
    }

    /** A block still open at the end of the file is reported where it opened: that is what to fix. */
    void finish() throws ConfigException {
        if (openLine > 0) {
            throw new ConfigException(file, openLine,
                    "Servers block is not closed (expected EndServers before the end of the file)");
        }
    }

    List<ServerEntry> entries() {
        return entries;
    }

    private ServerEntry server(List<String> args, Where at) throws ConfigException {
        if (args.size() < 2) {
            throw at.error("Server line needs NAME and ADDRESS: " + Keyword.SERVER.usage);
        }
        String name = args.get(0);
        String address = args.get(1);
        if (!Values.isName(name)) {
            throw at.error("Server: bad name '" + name
                    + "' (expected letters, digits, '.', '_' or '-', not starting with '-', at most 64)");
        }
        // ADDRESS in -w's forms too: user@host, host:port, [v6addr]:port (a bare IPv6 address is a host)
        HostSpec spec;
        try {
            spec = HostSpec.parse(address, at);
        } catch (ConfigException e) {
            throw at.error("Server " + name + ": bad address '" + address + "' (expected a host name, an IPv4 or IPv6"
                    + " address, with user@ and :port as -w takes them)");
        }
        address = spec.host();
        Integer first = names.putIfAbsent(name.toLowerCase(Locale.ROOT), at.line());
        if (first != null) {
            throw at.error("duplicate server name '" + name + "' (first at line " + first + "; expected unique names)");
        }
        Integer port = spec.port();
        String user = spec.user();
        boolean nosync = false;
        for (String opt : args.subList(2, args.size())) {
            String lower = opt.toLowerCase(Locale.ROOT);
            if (lower.startsWith("port=")) {
                if (port != null) {
                    throw at.error("Server " + name + ": port given twice (port= or ADDRESS:port; expected it once)");
                }
                port = Values.port(opt.substring(5), at, "Server " + name + " port=");
            } else if (lower.startsWith("user=")) {
                if (user != null) {
                    throw at.error("Server " + name + ": user given twice (user= or USER@ADDRESS; expected it once)");
                }
                user = opt.substring(5);
                if (!Values.isUser(user)) {
                    throw at.error("Server " + name + ": bad user '" + user
                            + "' (expected letters, digits, '.', '_' or '-', not starting with '-')");
                }
            } else if (lower.equals("nosync")) {
                nosync = true;
            } else if (!(lower.equals("direct") || lower.equals("tunnel") || lower.equals("nat") || lower.equals("noping"))) {
                String kind = opt.indexOf('=') >= 0 ? "key" : "token";
                throw at.error("Server " + name + ": unknown " + kind + " '" + opt
                        + "' (expected direct, tunnel, nat, noping, nosync, port=N or user=NAME)");
            }
        }
        return new ServerEntry(name, address, port, user, nosync, at.line());
    }
}
