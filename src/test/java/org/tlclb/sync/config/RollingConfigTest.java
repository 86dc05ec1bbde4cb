package org.tlclb.sync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RollingConfigTest {
    @Test
    void aBatchIsACountOrAShareRoundedUpBetweenOneAndAllNodes() {
        assertThat(Rolling.parse("1").orElseThrow().batchSize(4)).isEqualTo(1);
        assertThat(Rolling.parse("25%").orElseThrow().batchSize(4)).isEqualTo(1);
        assertThat(Rolling.parse("25%").orElseThrow().batchSize(5)).isEqualTo(2);
        assertThat(Rolling.parse("1%").orElseThrow().batchSize(3)).isEqualTo(1);
        assertThat(Rolling.parse("10").orElseThrow().batchSize(4)).as("larger than the cluster: one batch")
                .isEqualTo(4);
        assertThat(Rolling.parse("100%").orElseThrow().batchSize(7)).isEqualTo(7);
        assertThat(Rolling.parse("25%").orElseThrow()).hasToString("25%");
    }

    @Test
    void zeroNegativeAndMoreThanAHundredPercentAreNotValues() {
        for (String bad : new String[] {"0", "0%", "150%", "101%", "-1", "1.5", "all", "", "9999999999"}) {
            assertThat(Rolling.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void withoutAModeWordASettingIsForBothAndAModesOwnWins() throws ConfigException {
        SyncConfig c = ConfigParser.parse("""
                Rolling config 1
                Rolling 50%
                Drain "ipvsadm -e -t vip:80 -r %h -w 0"
                Undrain content "undrain %n"
                Undrain "undrain-both %n"
                HealthCheck content local "curl -fsS http://%h/health"
                HealthCheck config "systemctl is-active clusterserver"
                HealthTimeout 60
                HealthInterval config 5
                DrainWait content 10
                """, "sync.conf");
        assertThat(c.rolling(HookTarget.CONFIG)).isEqualTo(new Rolling(1, false));
        assertThat(c.rolling(HookTarget.CONTENT)).isEqualTo(new Rolling(50, true));
        RolloutHooks content = c.rolloutHooks(HookTarget.CONTENT);
        assertThat(content).isEqualTo(new RolloutHooks("ipvsadm -e -t vip:80 -r %h -w 0", "undrain %n",
                "curl -fsS http://%h/health", true, Duration.ofSeconds(60), Duration.ofSeconds(2),
                Duration.ofSeconds(10)));
        RolloutHooks config = c.rolloutHooks(HookTarget.CONFIG);
        assertThat(config).isEqualTo(new RolloutHooks("ipvsadm -e -t vip:80 -r %h -w 0", "undrain-both %n",
                "systemctl is-active clusterserver", false, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ZERO));
    }

    @Test
    void absentRollingIsNoRolloutWithTheDocumentedDefaults() throws ConfigException {
        SyncConfig c = ConfigParser.parse("ContentDir /srv/www\n", "sync.conf");
        assertThat(c.rolling(HookTarget.CONTENT)).isNull();
        assertThat(c.rolling(HookTarget.CONFIG)).isNull();
        assertThat(c.rolloutHooks(HookTarget.CONTENT)).isEqualTo(RolloutHooks.NONE);
        assertThat(RolloutHooks.NONE.healthTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RolloutHooks.NONE.healthInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(RolloutHooks.NONE.drainWait()).isEqualTo(Duration.ZERO);
        assertThat(SyncConfig.defaults().rolling(HookTarget.CONTENT)).isNull();
    }

    @Test
    void badValuesNameTheLineAndTheRange() {
        assertThatThrownBy(() -> ConfigParser.parse("Rolling 150%\n", "sync.conf")).isInstanceOf(ConfigException.class)
                .hasMessage("sync.conf:1: Rolling: bad value '150%' (expected Rolling N (1 or more) or P% (1% to 100%))");
        assertThatThrownBy(() -> ConfigParser.parse("\nRolling config 0\n", "sync.conf"))
                .hasMessageStartingWith("sync.conf:2: Rolling: bad value '0'");
        assertThatThrownBy(() -> ConfigParser.parse("Rolling -1\n", "sync.conf"))
                .hasMessageStartingWith("sync.conf:1: Rolling: bad value '-1'");
        assertThatThrownBy(() -> ConfigParser.parse("Rolling 1\nRolling 2\n", "sync.conf"))
                .hasMessage("sync.conf:2: Rolling is given twice (first at line 1; expected it once)");
        assertThatThrownBy(() -> ConfigParser.parse("Drain\n", "sync.conf"))
                .hasMessageStartingWith("sync.conf:1: Drain takes a value (expected: Drain [content|config]");
        assertThatThrownBy(() -> ConfigParser.parse("Drain config ipvsadm -d\n", "sync.conf"))
                .hasMessageContaining("quote a command that contains spaces");
        assertThatThrownBy(() -> ConfigParser.parse("HealthTimeout 0\n", "sync.conf"))
                .hasMessage("sync.conf:1: HealthTimeout: bad value '0' (expected seconds, 1..86400)");
        assertThatThrownBy(() -> ConfigParser.parse("HealthCheck local \"\"\n", "sync.conf"))
                .hasMessageStartingWith("sync.conf:1: HealthCheck: empty command");
    }
}
