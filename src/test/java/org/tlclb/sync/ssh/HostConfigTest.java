package org.tlclb.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostConfigTest {
    @TempDir
    Path dir;

    @Test
    void resolvesHostNamePortUserIdentityFile() throws Exception {
        Path cfg = dir.resolve("config");
        Files.writeString(cfg, String.join("\n",
                "Host web1",
                "  HostName 10.1.2.3",
                "  Port 2222",
                "  User deploy",
                "  IdentityFile " + dir.resolve("id_web"),
                "",
                "Host web*",
                "  User other",
                "  Port 22",
                "  IdentityFile " + dir.resolve("id_all"),
                ""));
        HostConfig c = HostConfig.resolve(cfg, "web1");
        assertThat(c.hostName()).isEqualTo("10.1.2.3");
        assertThat(c.port()).isEqualTo(2222); // first value wins, as in ssh_config
        assertThat(c.user()).isEqualTo("deploy");
        assertThat(c.identityFiles()).containsExactly(dir.resolve("id_web"), dir.resolve("id_all"));

        HostConfig w2 = HostConfig.resolve(cfg, "web2");
        assertThat(w2.hostName()).isNull();
        assertThat(w2.user()).isEqualTo("other");
    }

    @Test
    void tildeInIdentityFileIsHome() throws Exception {
        Path cfg = dir.resolve("config");
        Files.writeString(cfg, "Host n\n  IdentityFile ~/.ssh/id_n\n");
        assertThat(HostConfig.resolve(cfg, "n").identityFiles())
                .containsExactly(Path.of(System.getProperty("user.home"), ".ssh", "id_n"));
    }

    @Test
    void emptyWhenNoEntryOrNoFile() throws Exception {
        Path cfg = dir.resolve("config");
        Files.writeString(cfg, "Host other\n  Port 2200\n");
        assertThat(HostConfig.resolve(cfg, "node1")).isEqualTo(new HostConfig(null, null, null, List.of()));
        assertThat(HostConfig.resolve(dir.resolve("missing"), "node1"))
                .isEqualTo(new HostConfig(null, null, null, List.of()));
    }
}
