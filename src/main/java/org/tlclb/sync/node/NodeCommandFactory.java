package org.tlclb.sync.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/**
 * The exec commands the node understands, the subset of a real node's shell the client uses:
 * {@code scp -t/-f}, the checksum pipeline, {@code true} and {@code echo ok}. Anything else exits
 * 127 like an unknown command in a shell; nothing is ever handed to a real shell.
 */
final class NodeCommandFactory implements CommandFactory {
    private final ScpCommandFactory scp;

    NodeCommandFactory(ScpCommandFactory scp) {
        this.scp = scp;
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) throws IOException {
        List<String> words = ShellWords.split(command);
        if (words == null || words.isEmpty()) {
            return FixedReplyCommand.unsupported(command);
        }
        if (words.size() == 1 && words.get(0).equals("true")) {
            return FixedReplyCommand.success(command, "");
        }
        if (words.size() == 2 && words.get(0).equals("echo") && words.get(1).equals("ok")) {
            return FixedReplyCommand.success(command, "ok\n");
        }
        if (words.get(0).equals("scp")) {
            String normalized = normalizeScp(words);
            return normalized == null ? FixedReplyCommand.unsupported(command) : scp.createCommand(channel, normalized);
        }
        Sha256SumCommand sum = Sha256SumCommand.parse(command, words);
        return sum != null ? sum : FixedReplyCommand.unsupported(command);
    }

    /**
     * Rewrites an scp request into the one shape MINA's ScpCommand parses right: it splits on blanks
     * and strips one pair of outer quotes, so {@code '...'\''...'} (a quote in the path, as a client
     * quotes for a shell) or {@code --} would reach it mangled. We unquote like a shell, then give it
     * the path wrapped in exactly one pair of quotes.
     *
     * @return the normalized command, or null when it is not {@code scp [-flags]... [--] PATH}
     */
    static String normalizeScp(List<String> words) {
        List<String> flags = new ArrayList<>();
        int i = 1;
        for (; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) {
                i++;
                break;
            }
            if (!w.startsWith("-") || w.length() < 2) {
                break;
            }
            for (char c : w.substring(1).toCharArray()) {
                String flag = "-" + c;
                if ("rptfdv".indexOf(c) < 0) {
                    return null; // -S, -P... would take an argument, which scp -t never gets
                }
                if (!flags.contains(flag) && c != 'v') {
                    flags.add(flag);
                }
            }
        }
        if (i != words.size() - 1 || !(flags.contains("-t") ^ flags.contains("-f"))) {
            return null;
        }
        // The mode flag last: ScpCommand takes the path as what follows the first occurrence of the last flag.
        String mode = flags.contains("-t") ? "-t" : "-f";
        flags.remove(mode);
        flags.add(mode);
        return "scp " + String.join(" ", flags) + " '" + words.get(i) + "'";
    }
}
