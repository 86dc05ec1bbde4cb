package org.tlclb.sync.remote;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.tlclb.sync.config.Tunables;
import org.tlclb.sync.ssh.SftpAttrs;
import org.tlclb.sync.ssh.SftpPipeline;

/** The destination walk's view of a node: lstat of many paths in one pipelined exchange over SFTP. */
public final class SftpPathLookup implements PathLookup {
    private final SftpClient sftp;

    public SftpPathLookup(SftpClient sftp) {
        this.sftp = sftp;
    }

    @Override
    public Map<String, NodeStat> lstat(List<String> paths) throws IOException {
        Map<String, NodeStat> out = new LinkedHashMap<>();
        SftpPipeline pipe = SftpPipeline.of(sftp, Tunables.SFTP_COMMIT_WINDOW.get());
        if (pipe == null) {
            for (String p : paths) {
                out.put(p, one(p));
            }
            return out;
        }
        IOException[] failure = new IOException[1];
        for (String p : paths) {
            pipe.submit(SftpConstants.SSH_FXP_LSTAT, SftpPipeline.pathBuffer(p), e -> {
                if (e instanceof SftpException se && se.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    out.put(p, NodeStat.MISSING);
                } else if (failure[0] == null) {
                    failure[0] = new IOException("cannot look at " + p + " on the node: " + e.getMessage(), e);
                }
            }, r -> out.put(p, of(SftpAttrs.read(r.getBuffer()))));
        }
        pipe.drain();
        if (failure[0] != null) {
            throw failure[0];
        }
        return out;
    }

    private NodeStat one(String p) throws IOException {
        try {
            return of(sftp.lstat(p));
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return NodeStat.MISSING;
            }
            throw e;
        }
    }

    private static NodeStat of(SftpClient.Attributes a) {
        return of(new SftpAttrs(a.getSize(), a.getUserId(), a.getPermissions(), 0));
    }

    private static NodeStat of(SftpAttrs a) {
        NodeStat.Kind kind = a.type() == SftpAttrs.S_IFDIR ? NodeStat.Kind.DIR
                : a.type() == SftpAttrs.S_IFLNK ? NodeStat.Kind.LINK : NodeStat.Kind.OTHER;
        return new NodeStat(kind, a.uid(), a.mode());
    }

    @Override
    public String readLink(String path) throws IOException {
        return sftp.readLink(path);
    }
}
