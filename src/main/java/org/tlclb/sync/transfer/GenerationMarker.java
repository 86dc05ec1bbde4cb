package org.tlclb.sync.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Optional;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.tlclb.sync.ssh.SftpPipeline;

/**
 * A node's own record of what it holds of a destination: the generation, run and time of the last
 * push that committed there, in {@code DEST/.tlclb-backup/generation} beside the lock and the
 * backups. A second admin host, or a rebuilt one, reads the same truth there ({@code tlclb status
 * --rebuild}). It is a claim, never trusted over a check: {@code check} compares the tree itself.
 *
 * @param generation the generation's 64 hex digits
 * @param runId      the run that committed it
 * @param time       when that run started (the admin host's clock)
 */
public record GenerationMarker(String generation, String runId, Instant time) {
    /** The marker's name in the state area. */
    public static final String NAME = "generation";
    private static final String MAGIC = "tlclb-sync generation 1";
    private static final int MAX_BYTES = 4096;

    /** Replaces the marker in {@code area} (the destination's private state area, as SFTP reaches it). */
    public void write(SftpClient sftp, String area) throws IOException {
        String tmp = area + "/." + NAME + ".tmp-" + runId;
        String text = MAGIC + "\ngeneration " + generation + "\nrun " + runId + "\ntime " + time + "\n";
        try (OutputStream out = sftp.write(tmp, EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                SftpClient.OpenMode.Truncate))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        SftpPipeline pipe = posix != null && posix.isSupported() ? SftpPipeline.of(sftp, 1) : null;
        if (pipe == null) {
            sftp.rename(tmp, area + "/" + NAME, SftpClient.CopyMode.Overwrite);
            return;
        }
        // through our pipeline, whose names are bytes as every other path's (MINA's extension sends UTF-8)
        IOException[] failed = {null};
        pipe.posixRename(tmp, area + "/" + NAME, e -> failed[0] = e);
        pipe.drain();
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /** Removes the marker from {@code area}, if there is one (a rolled-back node claims nothing). */
    public static void remove(SftpClient sftp, String area) throws IOException {
        if (RemoteTree.lstatOrNull(sftp, area + "/" + NAME) != null) {
            sftp.remove(area + "/" + NAME);
        }
    }

    /**
     * The marker in {@code area}: empty when there is none; a marker that is not a plain small file
     * of this form is an error naming why.
     */
    public static Optional<GenerationMarker> read(SftpClient sftp, String area) throws IOException {
        String path = area + "/" + NAME;
        SftpClient.Attributes a = RemoteTree.lstatOrNull(sftp, path);
        if (a == null) {
            return Optional.empty();
        }
        if (!a.isRegularFile() || a.getSize() > MAX_BYTES) {
            throw new IOException(path + " is not the marker a push writes (a plain file under " + MAX_BYTES + " bytes)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = sftp.read(path)) {
            in.transferTo(bytes);
        }
        return Optional.of(parse(path, bytes.toString(StandardCharsets.UTF_8)));
    }

    static GenerationMarker parse(String path, String text) throws IOException {
        String[] lines = text.split("\n");
        try {
            if (lines.length < 4 || !lines[0].equals(MAGIC) || !lines[1].startsWith("generation ")
                    || !lines[2].startsWith("run ") || !lines[3].startsWith("time ")) {
                throw new IllegalArgumentException("unknown form");
            }
            String g = lines[1].substring("generation ".length());
            String run = lines[2].substring("run ".length());
            if (!g.matches("[0-9a-f]{64}") || !BackupArea.isRunId(run)) {
                throw new IllegalArgumentException("bad generation or run");
            }
            return new GenerationMarker(g, run, Instant.parse(lines[3].substring("time ".length())));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IOException(path + " is not the marker a push writes (" + e.getMessage() + ")");
        }
    }
}
