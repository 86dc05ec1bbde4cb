package org.tlclb.sync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tlclb.sync.config.ConfigParser;
import org.tlclb.sync.config.SyncConfig;
import org.tlclb.sync.run.SyncUnit;

/** Destinations refused before anything is contacted, each with the form to type instead (issue 29, part 7). */
class DestinationCheckTest {
    @Test
    void destWithDotsOrDoubledSlashesGivesTheFormToType() {
        assertThatThrownBy(() -> ContentSyncCommand.destination("/var/www/../html", null)).isInstanceOf(UsageError.class)
                .hasMessage("--dest '/var/www/../html' has a '..' component: type --dest /var/html");
        assertThatThrownBy(() -> ContentSyncCommand.destination("/var/./www/html", null))
                .hasMessage("--dest '/var/./www/html' has a '.' component: type --dest /var/www/html");
        assertThatThrownBy(() -> ContentSyncCommand.destination("/var//www/html", null))
                .hasMessage("--dest '/var//www/html' has a doubled slash: type --dest /var/www/html");
        assertThatThrownBy(() -> ContentSyncCommand.destination("/var/..", null))
                .hasMessage("--dest '/var/..' has a '..' component: it names /, which is never a destination:"
                        + " name a directory");
    }

    @Test
    void destInsideAStateAreaIsRefused() {
        assertThatThrownBy(() -> ContentSyncCommand.destination("/var/www/html/.tlclb-backup/20261201-083000-123-3fa2",
                null)).hasMessageStartingWith("--dest /var/www/html/.tlclb-backup/20261201-083000-123-3fa2 is inside"
                        + " the state area of /var/www/html").hasMessageEndingWith("tlclb rollback --dest /var/www/html");
    }

    @Test
    void theOneFormIsTakenAndTrailingSlashesDropped() throws UsageError {
        assertThat(ContentSyncCommand.destination("/var/www/html/", null)).isEqualTo("/var/www/html");
        assertThat(ContentSyncCommand.destination(null, "/srv/site")).isEqualTo("/srv/site");
    }

    @Test
    void aTreeHoldingAnotherKnownDestinationIsRefused() throws Exception {
        SyncConfig cfg = SyncConfig.defaults(); // ContentDir /var/www/html, ConfigDir /etc/clusterserver
        assertThatThrownBy(() -> DestinationCheck.check(List.of(unit("/var/www", null)), cfg))
                .hasMessageStartingWith("destination /var/www contains /var/www/html, whose state area");
        assertThatThrownBy(() -> DestinationCheck.check(List.of(unit("/etc", null)), cfg))
                .hasMessageStartingWith("destination /etc contains /etc/clusterserver");
        DestinationCheck.check(List.of(unit("/var/www/html", null)), cfg);
        DestinationCheck.check(List.of(unit("/var/www/html/uploads", null)), cfg);
        DestinationCheck.check(List.of(unit("/srv/www", null)), cfg);
    }

    @Test
    void aLicenseFilesDirectoryAboveConfigDirTouchesOnlyTheFile() throws Exception {
        SyncConfig cfg = ConfigParser.parse("ConfigDir /etc/clusterserver\nLicenseFile /etc/license.key\n",
                "sync.conf", null);
        DestinationCheck.check(List.of(unit("/etc/clusterserver", null), unit("/etc", Set.of("license.key"))), cfg);
    }

    @Test
    void aSyncConfDestinationInsideAStateAreaIsRefused() throws Exception {
        SyncConfig cfg = ConfigParser.parse("ConfigDir /etc/clusterserver/.tlclb-backup/conf\n", "sync.conf", null);
        assertThatThrownBy(() -> DestinationCheck.check(ConfigSyncCommand.configUnits(cfg, true), cfg))
                .hasMessageStartingWith("destination /etc/clusterserver/.tlclb-backup/conf is inside the state area"
                        + " of /etc/clusterserver");
    }

    private static SyncUnit unit(String dest, Set<String> only) {
        return new SyncUnit(Path.of("/tmp/src"), dest, only, true);
    }
}
