package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a host's key is looked up and recorded, and what to do when it is not there: OpenSSH's
 * UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking and HashKnownHosts for one connection.
 *
 * @param userFiles   the user's files, searched first; new keys are written to the first
 * @param globalFiles the system's files, searched after the user's, never written
 * @param policy      the policy for a host none of the files knows
 * @param hashNew     whether new entries are written hashed ({@code |1|salt|hash}), as HashKnownHosts yes
 */
public record KnownHostsRules(List<Path> userFiles, List<Path> globalFiles, TrustPolicy policy, boolean hashNew) {

    public KnownHostsRules {
        userFiles = List.copyOf(userFiles);
        globalFiles = List.copyOf(globalFiles);
    }

    /** One file, read and written, nothing else: what the tests and a single --known-hosts file need. */
    public static KnownHostsRules single(Path file, TrustPolicy policy) {
        return new KnownHostsRules(List.of(file), List.of(), policy, false);
    }

    /** The file new keys go to, or null when the user's list is empty (nothing can be recorded). */
    public Path writeTarget() {
        return userFiles.isEmpty() ? null : userFiles.get(0);
    }

    /** Every file, in the order they are searched. */
    public List<Path> searched() {
        List<Path> all = new ArrayList<>(userFiles);
        all.addAll(globalFiles);
        return all;
    }
}
