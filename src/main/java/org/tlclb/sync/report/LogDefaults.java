package org.tlclb.sync.report;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration, in code: every logger off until {@link RunLog#configure} opens
 * the run's log file (the console belongs to the report). Replaces a {@code logback.xml}, whose
 * parsing loaded an XML parser and some 400 classes on every run (~60 ms of a no-change run's
 * start). A {@code logback-test.xml} on the class path, or {@code -Dlogback.configurationFile},
 * still takes over.
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {
    private final ClassLoader loader;

    public LogDefaults() {
        this(LogDefaults.class.getClassLoader());
    }

    LogDefaults(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.OFF);
        ctx.getLogger("org.apache.sshd").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
