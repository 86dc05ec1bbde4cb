package org.tlclb.sync.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyInstallerTest {
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData me@laptop";

    @Test
    void findsTheKeyWhateverItsCommentOrOptions() {
        assertThat(KeyInstaller.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isTrue();
        assertThat(KeyInstaller.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData other@box\r\n", KEY)).isTrue();
        assertThat(KeyInstaller.contains("from=\"10.0.0.0/8\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData x",
                KEY)).isTrue();
        assertThat(KeyInstaller.contains("ssh-rsa AAAAB3other a\n\n   ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData",
                KEY)).isTrue();
    }

    @Test
    void otherKeysAndCommentsDoNotCount() {
        assertThat(KeyInstaller.contains("", KEY)).isFalse();
        assertThat(KeyInstaller.contains("# ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isFalse();
        assertThat(KeyInstaller.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyData me@laptop\n", KEY)).isFalse();
        assertThat(KeyInstaller.contains("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isFalse();
    }
}
