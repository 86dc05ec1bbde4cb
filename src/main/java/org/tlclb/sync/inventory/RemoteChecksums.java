package org.tlclb.sync.inventory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.tlclb.sync.scan.RawNames;
import org.tlclb.sync.ssh.RemoteShell;

/**
 * SHA-256 of files on a node, for --checksum. OpenSSH's SFTP server has no hash extension, so
 * this runs GNU {@code sha256sum -z} under {@code xargs -0}: names go over stdin NUL-separated
 * and come back NUL-terminated, so no shell ever sees a file name (only the quoted root).
 */
public final class RemoteChecksums {
    private RemoteChecksums() {
    }

    /** The command the node runs; the embedded node understands exactly this too. */
    public static String command(String root) {
        return "cd " + RemoteShell.quote(root) + " && xargs -0 -r sha256sum -z --";
    }

    /**
     * Hashes of the given relative paths; a file the node could not hash is absent from the result.
     *
     * @throws IOException when the node cannot run the command at all (no sha256sum, no exec)
     */
    public static Map<String, String> compute(ClientSession session, String root, List<String> paths,
                                              Duration timeout) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (paths.isEmpty()) {
            return out;
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel(command(root))) {
            ch.setOut(stdout);
            ch.setErr(stderr);
            ch.open().verify(timeout);
            try (OutputStream in = ch.getInvertedIn()) {
                for (String p : paths) {
                    in.write(p.getBytes(RawNames.CHARSET));
                    in.write(0);
                }
            }
            // Hashing a big tree takes as long as it takes; a node that goes silent for the reply
            // timeout has failed.
            int seen = -1;
            while (!ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout).contains(ClientChannelEvent.CLOSED)) {
                if (stdout.size() == seen) {
                    throw new IOException("the node stopped answering while hashing files (" + timeout.toSeconds()
                            + " s without output)");
                }
                seen = stdout.size();
            }
            Integer status = ch.getExitStatus();
            if (status != null && (status == 126 || status == 127)) {
                throw new IOException("the node cannot run sha256sum (exit " + status + "): "
                        + stderr.toString(StandardCharsets.UTF_8).strip());
            }
        }
        parse(stdout.toByteArray(), out);
        return out;
    }

    static void parse(byte[] data, Map<String, String> out) {
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                String rec = new String(data, start, i - start, RawNames.CHARSET);
                start = i + 1;
                // "<64 hex>  <name>" (two spaces; a '*' instead of the second space in binary mode)
                if (rec.length() > 66 && (rec.charAt(65) == ' ' || rec.charAt(65) == '*') && rec.charAt(64) == ' ') {
                    out.put(rec.substring(66), rec.substring(0, 64).toLowerCase());
                }
            }
        }
    }
}
