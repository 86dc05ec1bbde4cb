package org.tlclb.sync.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** tlclb: the helpers, and the two sync commands under their short names. */
@Command(name = "tlclb", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keep the machines of a cluster identical: push content and configuration over SSH.")
final class TlclbCommand {

    /**
     * The command line for {@code args}. picocli builds the model of every subcommand it is given
     * by reflection (a tenth of a second for all six, on every run), so when the first argument
     * names a subcommand only that one is added; otherwise (help, a typo) all of them are.
     */
    static CommandLine commandLine(String[] args) {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("content-sync", ContentSyncCommand::new);
        all.put("config-sync", ConfigSyncCommand::new);
        all.put("check", CheckCommand::new);
        all.put("rollback", RollbackCommand::new);
        all.put("keys", KeysCommand::new);
        all.put("node", NodeCommand::new);
        CommandLine cl = new CommandLine(new TlclbCommand());
        Supplier<Object> only = args.length > 0 ? all.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only.get());
        } else {
            all.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        return cl;
    }
}
