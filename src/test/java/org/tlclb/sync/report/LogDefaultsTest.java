package org.tlclb.sync.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;

class LogDefaultsTest {
    @Test
    void everyLoggerIsOffUntilTheRunLogOpens() {
        LoggerContext ctx = new LoggerContext();
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            LogDefaults d = new LogDefaults(bare);
            d.setContext(ctx);
            assertThat(d.configure(ctx)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.OFF);
        assertThat(ctx.getLogger("org.apache.sshd.client").getEffectiveLevel()).isEqualTo(Level.OFF);
        assertThat(ctx.getLogger("org.tlclb.sync").isErrorEnabled()).isFalse();
        assertThat(ctx.getLoggerList()).allSatisfy(l -> assertThat(l.iteratorForAppenders().hasNext()).isFalse());
    }

    @Test
    void aTestConfigurationOnTheClassPathTakesOver() {
        LoggerContext ctx = new LoggerContext();
        LogDefaults d = new LogDefaults(getClass().getClassLoader());
        d.setContext(ctx);
        assertThat(d.configure(ctx)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }

    @Test
    void thePackagedJarDeclaresItAsLogbacksConfigurator() throws Exception {
        URL service = getClass().getClassLoader()
                .getResource("META-INF/services/ch.qos.logback.classic.spi.Configurator");
        assertThat(service).isNotNull();
        try (var in = service.openStream()) {
            assertThat(new String(in.readAllBytes()).trim()).isEqualTo(LogDefaults.class.getName());
        }
    }
}
