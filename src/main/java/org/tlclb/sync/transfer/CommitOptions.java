package org.tlclb.sync.transfer;

/**
 * @param backupRun the run id under which replaced and deleted entries are kept, or null for no backup
 * @param uid       owner to set on what the run writes, or -1
 * @param gid       group to set on what the run writes, or -1
 */
public record CommitOptions(String backupRun, int uid, int gid) {
    public static CommitOptions plain() {
        return new CommitOptions(null, -1, -1);
    }
}
