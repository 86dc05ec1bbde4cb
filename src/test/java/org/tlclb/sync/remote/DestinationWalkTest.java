package org.tlclb.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DestinationWalkTest {
    static final int LOGIN = 0;
    static final int MALLORY = 1001;

    /** A node's paths: lstat answers and link targets; counts the exchanges. */
    static final class Node implements PathLookup {
        final Map<String, NodeStat> stats = new HashMap<>();
        final Map<String, String> links = new HashMap<>();
        final List<List<String>> asked = new ArrayList<>();

        Node dir(String p, int uid, int mode) {
            stats.put(p, new NodeStat(NodeStat.Kind.DIR, uid, mode));
            return this;
        }

        Node link(String p, int uid, String target) {
            stats.put(p, new NodeStat(NodeStat.Kind.LINK, uid, 0777));
            links.put(p, target);
            return this;
        }

        Node file(String p) {
            stats.put(p, new NodeStat(NodeStat.Kind.OTHER, 0, 0644));
            return this;
        }

        @Override
        public Map<String, NodeStat> lstat(List<String> paths) {
            asked.add(paths);
            Map<String, NodeStat> out = new LinkedHashMap<>();
            for (String p : paths) {
                out.put(p, stats.getOrDefault(p, NodeStat.MISSING));
            }
            return out;
        }

        @Override
        public String readLink(String path) throws IOException {
            String t = links.get(path);
            if (t == null) {
                throw new IOException("not a link: " + path);
            }
            return t;
        }
    }

    static Node docroot() {
        return new Node().dir("/", 0, 0755).dir("/var", 0, 0755).dir("/var/www", 0, 0755)
                .dir("/var/www/html", 0, 0755);
    }

    @Test
    void aPlainPathOfRootsDirectoriesResolvesToItselfInOneExchange() throws Exception {
        Node n = docroot();
        DestinationWalk.Resolved r = DestinationWalk.resolve("/var/www/html", LOGIN, n);
        assertThat(r.path()).isEqualTo("/var/www/html");
        assertThat(r.exists()).isTrue();
        assertThat(n.asked).hasSize(1);
    }

    @Test
    void theDestinationItselfMayBeAnotherUsersButNotADirectoryAboveIt() throws Exception {
        Node n = docroot().dir("/var/www/html/up", MALLORY, 0755).dir("/var/www/html/up/site", 0, 0755);
        DestinationWalk.Resolved r = DestinationWalk.resolve("/var/www/html/up", LOGIN, n);
        assertThat(r.stat().uid()).isEqualTo(MALLORY);
        assertThatThrownBy(() -> DestinationWalk.resolve("/var/www/html/up/site", LOGIN, n))
                .isInstanceOf(DestinationWalk.Unsafe.class)
                .hasMessageContaining("/var/www/html/up is owned by uid 1001")
                .satisfies(e -> assertThat(((DestinationWalk.Unsafe) e).component()).isEqualTo("/var/www/html/up"));
    }

    @Test
    void aLinkPlantedByANodeUserOnThePathIsRefusedEvenInARootDirectory() {
        Node n = docroot().dir("/var/lib", 0, 0755).dir("/var/lib/victim", 0, 0700)
                .link("/var/www/html/site", MALLORY, "/var/lib/victim");
        assertThatThrownBy(() -> DestinationWalk.resolve("/var/www/html/site", LOGIN, n))
                .isInstanceOf(DestinationWalk.Unsafe.class).hasMessageContaining("symlink owned by uid 1001");
    }

    @Test
    void aDirectoryOthersCanWriteAboveTheDestinationIsRefused() {
        Node group = docroot().dir("/srv", 0, 0775).dir("/srv/site", 0, 0755);
        assertThatThrownBy(() -> DestinationWalk.resolve("/srv/site", LOGIN, group))
                .hasMessageContaining("/srv is writable by its group");
        Node tmp = docroot().dir("/tmp", 0, 01777).dir("/tmp/site", 0, 0755);
        assertThatThrownBy(() -> DestinationWalk.resolve("/tmp/site", LOGIN, tmp))
                .hasMessageContaining("/tmp is writable by others");
    }

    @Test
    void aRootOwnedReleaseSwitchIsFollowedAndItsTargetChecked() throws Exception {
        Node n = docroot().dir("/srv", 0, 0755).dir("/srv/releases", 0, 0755).dir("/srv/releases/42", 0, 0755)
                .link("/srv/live", 0, "releases/42");
        assertThat(DestinationWalk.resolve("/srv/live", LOGIN, n).path()).isEqualTo("/srv/releases/42");
        n.link("/srv/abs", 0, "/srv/releases/42");
        assertThat(DestinationWalk.resolve("/srv/abs", LOGIN, n).path()).isEqualTo("/srv/releases/42");
        n.link("/srv/releases/current", 0, "../releases/42");
        assertThat(DestinationWalk.resolve("/srv/releases/current", LOGIN, n).path()).isEqualTo("/srv/releases/42");
        Node open = docroot().dir("/srv", 0, 0755).dir("/srv/up", MALLORY, 0755).dir("/srv/up/42", 0, 0755)
                .link("/srv/live", 0, "up/42");
        assertThatThrownBy(() -> DestinationWalk.resolve("/srv/live", LOGIN, open))
                .hasMessageContaining("/srv/up is owned by uid 1001");
    }

    @Test
    void theLoginUsersOwnDirectoriesAndLinksAreTrustedForThatLogin() throws Exception {
        Node n = docroot().dir("/home", 0, 0755).dir("/home/admin", 1000, 0755).dir("/home/admin/www", 1000, 0755)
                .link("/home/admin/live", 1000, "www");
        assertThat(DestinationWalk.resolve("/home/admin/live", 1000, n).path()).isEqualTo("/home/admin/www");
        assertThatThrownBy(() -> DestinationWalk.resolve("/home/admin/live", 0, n))
                .hasMessageContaining("/home/admin is owned by uid 1000");
    }

    @Test
    void aMissingDestinationResolvesUnderItsDeepestDirectory() throws Exception {
        Node n = docroot();
        DestinationWalk.Resolved r = DestinationWalk.resolve("/var/www/html/new/deeper", LOGIN, n);
        assertThat(r.exists()).isFalse();
        assertThat(r.path()).isEqualTo("/var/www/html/new/deeper");
        assertThat(r.existing()).isEqualTo("/var/www/html");
    }

    @Test
    void aFileOnThePathAndALinkLoopAreErrors() {
        Node n = docroot().file("/var/www/html/f").link("/var/www/a", 0, "b").link("/var/www/b", 0, "a");
        assertThatThrownBy(() -> DestinationWalk.resolve("/var/www/html/f", LOGIN, n))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a directory");
        assertThatThrownBy(() -> DestinationWalk.resolve("/var/www/a", LOGIN, n))
                .hasMessageContaining("too many symlinks");
    }

    @Test
    void trustIsOpenSshsStrictModesRule() {
        assertThat(Trust.sealed(0, 0755, 1000)).isTrue();
        assertThat(Trust.sealed(1000, 0700, 1000)).isTrue();
        assertThat(Trust.sealed(1000, 0755, 0)).isFalse();
        assertThat(Trust.sealed(0, 0775, 0)).isFalse();
        assertThat(Trust.sealed(0, 01777, 0)).isFalse();
        assertThat(Trust.sealed(0, 02755, 0)).isTrue();
        assertThat(Trust.trustedOwner(1000, -1)).isFalse();
    }
}
