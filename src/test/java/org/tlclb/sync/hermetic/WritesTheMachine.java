package org.tlclb.sync.hermetic;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that writes the machine's state paths on purpose (the Debian package test installs
 * the product into the machine, runs it as cron would, and restores the machine afterwards): what
 * the suite writes while such a class runs is not held against it by {@link MachineStateGuard}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WritesTheMachine {
    /** Why the class must touch the machine, and what it restores. */
    String value();
}
