package org.tlclb.sync.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.tlclb.sync.ssh.Prompter;

/**
 * Questions on the controlling terminal, {@code /dev/tty}, as ssh asks them: whether stdout is
 * piped ({@code ... | tee log}) or stdin redirected does not matter, only whether a person is
 * there. Without a controlling terminal (cron, systemd, CI) this is {@link Prompter#none()}.
 * Secrets are read with echo off ({@code stty -echo} on the terminal).
 */
final class TtyPrompter implements Prompter {
    private static final File TTY = new File("/dev/tty");
    private final BufferedReader in;
    private final PrintStream out;

    private TtyPrompter(BufferedReader in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /** The terminal, or {@link Prompter#none()} when this process has none. */
    static Prompter open() {
        try {
            FileInputStream input = new FileInputStream(TTY);
            OutputStream output = new FileOutputStream(TTY);
            return new TtyPrompter(new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)),
                    new PrintStream(output, true, StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Prompter.none(); // ENXIO: no controlling terminal
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public synchronized boolean confirm(String question) {
        out.print(question + " ");
        out.flush();
        return Prompter.saysYes(readLine());
    }

    @Override
    public synchronized char[] secret(String prompt) {
        // Echo off before the prompt shows, as ssh's readpassphrase does: what is typed (or pasted)
        // as soon as the prompt appears must not be echoed.
        if (!stty("-echo")) {
            out.println(prompt + "(cannot turn off echo on this terminal: not asking)");
            return null; // a password is never shown
        }
        out.print(prompt);
        out.flush();
        try {
            String line = readLine();
            return line == null ? null : line.toCharArray();
        } finally {
            stty("echo");
            out.println();
        }
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean stty(String setting) {
        try {
            Process p = new ProcessBuilder("stty", setting).redirectInput(TTY)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
