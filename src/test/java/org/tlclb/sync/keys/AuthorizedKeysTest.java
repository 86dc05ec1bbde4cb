package org.tlclb.sync.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthorizedKeysTest {
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData me@laptop";

    @Test
    void findsTheKeyWhateverItsCommentOrOptions() {
        assertThat(AuthorizedKeys.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isTrue();
        assertThat(AuthorizedKeys.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData other@box\r\n", KEY)).isTrue();
        assertThat(AuthorizedKeys.contains("from=\"10.0.0.0/8\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData x",
                KEY)).isTrue();
        assertThat(AuthorizedKeys.contains("ssh-rsa AAAAB3other a\n\n   ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData",
                KEY)).isTrue();
    }

    @Test
    void otherKeysAndCommentsDoNotCount() {
        assertThat(AuthorizedKeys.contains("", KEY)).isFalse();
        assertThat(AuthorizedKeys.contains("# ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isFalse();
        assertThat(AuthorizedKeys.contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyData me@laptop\n", KEY)).isFalse();
        assertThat(AuthorizedKeys.contains("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyData\n", KEY)).isFalse();
    }
}
