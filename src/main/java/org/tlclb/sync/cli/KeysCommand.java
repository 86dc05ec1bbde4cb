package org.tlclb.sync.cli;

import java.util.concurrent.Callable;

import org.tlclb.sync.report.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** tlclb keys: the user's SSH key on the nodes. */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Manage the SSH key the sync commands log in with.",
        subcommands = KeysInstallCommand.class)
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
