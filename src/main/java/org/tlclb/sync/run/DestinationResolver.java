package org.tlclb.sync.run;

import java.io.IOException;
import java.util.List;

import org.apache.sshd.sftp.client.SftpClient;
import org.tlclb.sync.remote.DestinationWalk;
import org.tlclb.sync.remote.SftpPathLookup;
import org.tlclb.sync.remote.Trust;
import org.tlclb.sync.transfer.NodeLock;

/** A unit's destination on one node, resolved once at the start of the run ({@link DestinationWalk}). */
final class DestinationResolver {
    private DestinationResolver() {
    }

    /**
     * @param loginUid the login's uid as the node's shell said it; -1 when unknown, then the owner
     *                 of the login's SFTP start directory (its home) stands in for it
     * @param made     where the directories this call made are added (when {@code make})
     */
    static NodeLock.Destination resolve(SftpClient sftp, String typed, int loginUid, boolean make, List<String> made)
            throws IOException, DestinationWalk.Unsafe {
        int uid = loginUid >= 0 ? loginUid : homeOwner(sftp);
        DestinationWalk.Resolved r = DestinationWalk.resolve(typed, uid, new SftpPathLookup(sftp));
        if (r.exists()) {
            return new NodeLock.Destination(r.path(), Trust.sealed(r.stat().uid(), r.stat().mode(), uid));
        }
        if (make) {
            // Every directory above is sealed (the walk said so), so nothing can be swapped under these.
            made.addAll(RemoteDirs.make(sftp, r.path()));
            SftpClient.Attributes a = sftp.lstat(r.path());
            return new NodeLock.Destination(r.path(), Trust.sealed(a.getUserId(), a.getPermissions() & 07777, uid));
        }
        return new NodeLock.Destination(r.path(), true);
    }

    private static int homeOwner(SftpClient sftp) {
        try {
            return sftp.stat(".").getUserId();
        } catch (IOException e) {
            return -1;
        }
    }
}
