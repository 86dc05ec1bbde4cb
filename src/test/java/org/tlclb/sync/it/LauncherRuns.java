package org.tlclb.sync.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Every launcher run of this JVM, as {@link ContractCoverage} checks the {@link Exercises} of a test against it. */
public final class LauncherRuns {
    private static final List<Invocation> INVOCATIONS = Collections.synchronizedList(new ArrayList<>());
    private static final Set<String> SUBCOMMANDS = Set.of("content-sync", "config-sync", "check", "rollback", "status", "keys",
            "node");

    /**
     * One launcher run: the command by its picocli name below tlclb ("content-sync" for
     * tlclb_content_sync too, "keys install", "tlclb" for the top command), the arguments after
     * it, and the exit code.
     */
    public record Invocation(String command, List<String> args, int exit) {
        static Invocation of(String script, String[] argv, int exit) {
            List<String> a = List.of(argv);
            String command = switch (script) {
                case "tlclb_content_sync" -> "content-sync";
                case "tlclb_config_sync" -> "config-sync";
                default -> !a.isEmpty() && SUBCOMMANDS.contains(a.get(0)) ? a.get(0) : "tlclb";
            };
            int words = script.equals("tlclb") && !command.equals("tlclb") ? 1 : 0;
            if (command.equals("keys") && a.size() > 1 && a.get(1).equals("install")) {
                command = "keys install";
                words = 2;
            }
            return new Invocation(command, a.subList(words, a.size()), exit);
        }

        /** Whether option {@code name} was given: alone, as name=value, or (a short one) among -abc. */
        public boolean uses(String name) {
            for (String a : args) {
                if (a.equals(name) || a.startsWith(name + "=")) {
                    return true;
                }
                if (name.length() == 2 && a.matches("-[A-Za-z]{2,}") && a.indexOf(name.charAt(1)) > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The launcher runs of this JVM since the list was last cleared (by {@link ContractCoverage}). */
    public static List<Invocation> all() {
        return INVOCATIONS;
    }

    static void add(Invocation i) {
        INVOCATIONS.add(i);
    }

    private LauncherRuns() {
    }
}
