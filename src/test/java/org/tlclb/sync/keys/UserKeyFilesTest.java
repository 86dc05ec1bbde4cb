package org.tlclb.sync.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tlclb.sync.config.NodeTarget;
import org.tlclb.sync.config.StatePaths;
import org.tlclb.sync.ssh.IdentityException;
import org.tlclb.sync.ssh.Prompter;
import org.tlclb.sync.ssh.SshOptions;

/** Which key keys install puts on the nodes: the one the runs will offer. */
class UserKeyFilesTest {
    @TempDir
    Path dir;
    Path home;
    final List<NodeTarget> nodes = List.of(new NodeTarget(null, "web1", 22, "root", false));

    @BeforeEach
    void home() throws Exception {
        home = dir.resolve("home");
        Files.createDirectories(home.resolve(".ssh"));
    }

    private SshOptions options(List<Path> identities) {
        StatePaths paths = new StatePaths(dir.resolve("sync.conf"), dir.resolve("log"), dir.resolve("lock"), home,
                dir.resolve("etc"), dir.resolve("state"));
        return new SshOptions(paths, Prompter.none(), null, null, identities, Duration.ofSeconds(5), 0);
    }

    @Test
    void anIdentityFileOfTheSshConfigurationThatDoesNotExistYetIsMadeThere() throws Exception {
        Files.writeString(home.resolve(".ssh/config"), "Host web*\n  IdentityFile ~/.ssh/id_cluster\n");
        KeyInstaller.UserKey k = KeyInstaller.ensureKey(options(List.of()), nodes);
        assertThat(k.created()).isTrue();
        assertThat(k.privateKey()).isEqualTo(home.resolve(".ssh/id_cluster"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(k.privateKey())))
                .isEqualTo("rw-------");
        assertThat(Files.readString(Path.of(k.privateKey() + ".pub")).strip()).isEqualTo(k.publicLine());

        KeyInstaller.UserKey again = KeyInstaller.ensureKey(options(List.of()), nodes);
        assertThat(again.created()).isFalse();
        assertThat(again.publicLine()).isEqualTo(k.publicLine());
    }

    @Test
    void withNothingNamedANewDefaultKeyIsMadeAndAMissingDashIIsAnError() throws Exception {
        KeyInstaller.UserKey k = KeyInstaller.ensureKey(options(List.of()), nodes);
        assertThat(k.privateKey()).isEqualTo(home.resolve(".ssh/id_ed25519"));
        assertThat(k.created()).isTrue();
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> KeyInstaller.ensureKey(options(List.of(missing)), nodes))
                .isInstanceOf(IdentityException.class).hasMessageContaining(missing.toString());
    }
}
