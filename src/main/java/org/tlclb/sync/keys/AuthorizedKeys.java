package org.tlclb.sync.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** A node's {@code ~/.ssh/authorized_keys}, read and appended to over SFTP, other bytes left as they are. */
final class AuthorizedKeys {
    private AuthorizedKeys() {
    }

    /** Appends the key line to ~/.ssh/authorized_keys unless it is there; other bytes stay as they are. */
    static void append(ClientSession session, String publicLine) throws IOException {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            String home = sftp.canonicalPath(".");
            String dir = (home.endsWith("/") ? home : home + "/") + ".ssh";
            SftpClient.Attributes d = statOrNull(sftp, dir);
            if (d == null) {
                try {
                    sftp.mkdir(dir);
                } catch (SftpException e) {
                    throw new IOException("cannot create " + dir + ": " + e.getMessage(), e);
                }
                sftp.setStat(dir, new SftpClient.Attributes().perms(0700));
            } else if (!d.isDirectory()) {
                throw new IOException(dir + " exists and is not a directory");
            }
            String file = dir + "/authorized_keys";
            SftpClient.Attributes f = statOrNull(sftp, file);
            byte[] existing = new byte[0];
            if (f == null) {
                try (SftpClient.CloseableHandle h = sftp.open(file, SftpClient.OpenMode.Write,
                        SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive)) {
                    sftp.setStat(h, new SftpClient.Attributes().perms(0600));
                }
            } else {
                existing = readAll(sftp, file);
                if (contains(new String(existing, StandardCharsets.UTF_8), publicLine)) {
                    return;
                }
            }
            boolean needsNewline = existing.length > 0 && existing[existing.length - 1] != '\n';
            byte[] add = ((needsNewline ? "\n" : "") + publicLine + "\n").getBytes(StandardCharsets.UTF_8);
            try (SftpClient.CloseableHandle h = sftp.open(file, SftpClient.OpenMode.Write)) {
                sftp.write(h, existing.length, add);
            }
        }
    }

    private static SftpClient.Attributes statOrNull(SftpClient sftp, String path) throws IOException {
        try {
            return sftp.stat(path);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    private static byte[] readAll(SftpClient sftp, String path) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = sftp.read(path)) {
            in.transferTo(buf);
        }
        return buf.toByteArray();
    }

    /** Whether an authorized_keys text holds this key (type and key data; options and comment do not matter). */
    static boolean contains(String authorizedKeys, String keyLine) {
        for (String line : authorizedKeys.split("\n", -1)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && sameKey(l, keyLine)) {
                return true;
            }
        }
        return false;
    }

    /** Whether line holds, somewhere (after any options), the type and key data that keyLine starts with. */
    static boolean sameKey(String line, String keyLine) {
        String[] want = keyLine.strip().split("\\s+");
        if (want.length < 2) {
            return false;
        }
        String[] tokens = line.split("\\s+");
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (tokens[i].equals(want[0]) && tokens[i + 1].equals(want[1])) {
                return true;
            }
        }
        return false;
    }
}
