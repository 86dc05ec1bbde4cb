package org.tlclb.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Destinations that reach into a state area, and what to do instead (issue 29, part 7). */
class StateAreasTest {
    @Test
    void aDestinationInsideAStateAreaNamesItsOwnerAndTheRollback() {
        assertThat(StateAreas.inside("/var/www/html/.tlclb-backup/20261201-083000-123-3fa2")).contains(
                "/var/www/html/.tlclb-backup/20261201-083000-123-3fa2 is inside the state area of /var/www/html (its"
                        + " backups and node lock): push to a directory outside it; to put a backup back, run tlclb"
                        + " rollback --dest /var/www/html");
        assertThat(StateAreas.inside("/var/www/html/.tlclb-backup")).get().asString()
                .startsWith("/var/www/html/.tlclb-backup is inside the state area of /var/www/html");
        assertThat(StateAreas.inside("/.tlclb-backup/x")).get().asString().contains("state area of / ");
    }

    @Test
    void namesThatOnlyLookAlikeAreNoStateArea() {
        assertThat(StateAreas.inside("/var/www/html")).isEmpty();
        assertThat(StateAreas.inside("/var/www/.tlclb-backups")).isEmpty();
        assertThat(StateAreas.inside("/var/www/x.tlclb-backup/y")).isEmpty();
    }

    @Test
    void aDestinationHoldingAnotherKnownOneIsNamed() {
        List<String> known = List.of("/var/www", "/var/www/html", "/etc/clusterserver");
        assertThat(StateAreas.containing("/var/www", known)).contains("/var/www contains /var/www/html, whose state"
                + " area /var/www/html/.tlclb-backup (backups and node lock) it must not reach: push to /var/www/html"
                + " itself, or to a directory that holds no other destination");
        assertThat(StateAreas.containing("/var/www/html", known)).isEmpty();
        assertThat(StateAreas.containing("/var/www/html/sub", known)).as("inside another is no harm").isEmpty();
        assertThat(StateAreas.containing("/var/ww", known)).as("a name that is a prefix, not a parent").isEmpty();
        assertThat(StateAreas.containing("/etc", known)).get().asString().startsWith("/etc contains /etc/clusterserver");
    }
}
