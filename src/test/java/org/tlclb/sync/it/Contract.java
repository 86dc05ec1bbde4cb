package org.tlclb.sync.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A contract test class of one command, by its picocli name below {@code tlclb}: "content-sync"
 * (run as tlclb_content_sync or tlclb content-sync), "config-sync", "check", "rollback",
 * "keys install", "node", or "tlclb" for the top command. Its tests' {@link Exercises} are checked.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ContractCoverage.class)
public @interface Contract {
    String value();
}
