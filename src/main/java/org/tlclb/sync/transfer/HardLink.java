package org.tlclb.sync.transfer;

import java.io.IOException;
import java.util.Map;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.helpers.AbstractSftpClientExtension;
import org.tlclb.sync.scan.RawNames;

/**
 * OpenSSH's {@code hardlink@openssh.com}: keeps a replaced file in the backup area while the new
 * one is renamed over it, so the target never goes missing. MINA's client has no helper for it.
 */
final class HardLink extends AbstractSftpClientExtension {
    static final String NAME = "hardlink@openssh.com";

    HardLink(SftpClient client, Map<String, byte[]> extensions) {
        super(NAME, client, (RawSftpClient) client, extensions);
    }

    void link(String existing, String newLink) throws IOException {
        Buffer buffer = getCommandBuffer(Integer.BYTES * 2 + existing.length() + newLink.length());
        putTarget(buffer, RawNames.encode(existing)); // names are bytes: a byte[] target goes as it is
        putTarget(buffer, RawNames.encode(newLink));
        checkExtendedReplyBuffer(receive(sendExtendedCommand(buffer)));
    }
}
