package org.tlclb.sync.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;

/** A destination directory (and missing parents) made over SFTP, remembered so a discard can remove it again. */
final class RemoteDirs {
    private RemoteDirs() {
    }

    /** Makes {@code dir} and its missing parents; returns those it made, topmost first. */
    static List<String> make(SftpClient sftp, String dir) throws IOException {
        try {
            if (sftp.stat(dir).isDirectory()) {
                return List.of(); // the usual case, in one round trip
            }
        } catch (IOException missing) {
            // made below, with its missing parents
        }
        List<String> chain = new ArrayList<>();
        for (String d = dir; d.length() > 1; d = d.substring(0, Math.max(1, d.lastIndexOf('/')))) {
            chain.add(0, d);
        }
        List<String> made = new ArrayList<>();
        for (String d : chain) {
            SftpClient.Attributes a;
            try {
                a = sftp.stat(d); // a destination that is a symlink to a directory is the admin's choice
            } catch (IOException missing) {
                sftp.mkdir(d);
                made.add(d);
                continue;
            }
            if (!a.isDirectory()) {
                throw new IOException("destination " + d + " exists on the node but is not a directory");
            }
        }
        return made;
    }

    /** Removes the directories {@link #make} made, deepest first, where they are empty again. */
    static void removeMade(SftpClient sftp, List<String> made) {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                sftp.rmdir(made.get(i));
            } catch (IOException ignored) {
                // not empty (someone else wrote there) or gone: leave it
            }
        }
    }
}
