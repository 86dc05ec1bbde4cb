package org.tlclb.sync.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.config.OwnerSpec;

/**
 * {@code --chown USER:GROUP} resolved on one node, where names may stand for other numbers than on
 * the source: names are looked up in the node's {@code /etc/passwd} and {@code /etc/group}, read
 * over SFTP (no shell, no {@code id}). A part not given keeps what the run's login creates.
 *
 * @param uid the owner to set
 * @param gid the group to set
 */
public record NodeOwner(int uid, int gid) {

    /**
     * @param loginUid the uid files created by the run's login get (from a file it made)
     * @param loginGid their gid
     */
    public static NodeOwner resolve(SftpClient sftp, OwnerSpec spec, int loginUid, int loginGid) throws IOException {
        int uid = spec.user() == null ? loginUid : number(sftp, "/etc/passwd", spec.user(), "user");
        int gid = spec.group() == null ? loginGid : number(sftp, "/etc/group", spec.group(), "group");
        return new NodeOwner(uid, gid);
    }

    private static int number(SftpClient sftp, String file, String name, String what) throws IOException {
        int n = OwnerSpec.number(name);
        if (n >= 0) {
            return n;
        }
        String text;
        try (InputStream in = sftp.read(file)) {
            text = new String(in.readNBytes(8 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("--chown: cannot read " + file + " on the node to look up " + what + " '" + name
                    + "' (" + e.getMessage() + "); give the number instead", e);
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(name)) {
                try {
                    return Integer.parseInt(f[2]);
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IOException("--chown: no " + what + " '" + name + "' in the node's " + file
                + " (names are looked up on each node; give the number instead)");
    }
}
