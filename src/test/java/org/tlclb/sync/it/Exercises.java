package org.tlclb.sync.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a contract test proves through the launcher: the options of its command it runs (any name
 * of an option, {@code --no-x} for the negated form of a negatable one) and the exit codes it sees.
 * {@link ContractCoverage} fails the test when a declared option or code did not occur in one of
 * its launcher runs of that command; {@code ContractCoverageTest} fails the build when an option a
 * command offers, or an exit code, is declared nowhere, and writes the coverage table.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Exercises {
    /** Option names, as typed on the command line. */
    String[] value() default {};

    /** Exit codes the test asserts. */
    int[] exits() default {};

    /** The command, when not the class's {@link Contract}: "check", "keys install", "tlclb"... */
    String command() default "";
}
