package org.tlclb.sync.ssh;

import java.io.Console;

/**
 * How the run talks to the user. {@link #none()} is for cron and never prompts; {@link #console()} uses the
 * terminal and reads secrets without echo. Tests supply their own.
 */
public interface Prompter {

    /** Whether a person can answer: false means every question must be decided without asking. */
    boolean interactive();

    /** Shows the question and returns true when the answer is "y" or "yes" (case-insensitive). */
    boolean confirm(String question);

    /** Reads a secret without echo; null when not interactive or the input ended. */
    char[] secret(String prompt);

    /** Whether a typed answer (null: the input ended) says yes: "y" or "yes", any case, blanks around. */
    static boolean saysYes(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.trim();
        return a.equalsIgnoreCase("y") || a.equalsIgnoreCase("yes");
    }

    /** The batch prompter: never asks, so nothing can hang waiting for a person in cron. */
    static Prompter none() {
        return NoPrompter.INSTANCE;
    }

    /** The terminal prompter; falls back to {@link #none()} when there is no terminal (System.console() is null). */
    static Prompter console() {
        Console console = System.console();
        return console == null ? none() : new ConsolePrompter(console);
    }
}

/** Never prompts: the answer to every question is "no". */
enum NoPrompter implements Prompter {
    INSTANCE;

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public boolean confirm(String question) {
        return false;
    }

    @Override
    public char[] secret(String prompt) {
        return null;
    }
}

/** Asks on the controlling terminal; synchronized so that concurrent nodes never interleave their questions. */
final class ConsolePrompter implements Prompter {
    private final Console console;

    ConsolePrompter(Console console) {
        this.console = console;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public synchronized boolean confirm(String question) {
        return Prompter.saysYes(console.readLine("%s ", question));
    }

    @Override
    public synchronized char[] secret(String prompt) {
        return console.readPassword("%s", prompt);
    }
}
