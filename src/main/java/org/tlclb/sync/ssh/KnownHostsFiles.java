package org.tlclb.sync.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The known_hosts lines of several files that apply to one host, user files first, as ssh loads them. */
final class KnownHostsFiles {
    private KnownHostsFiles() {
    }

    /** Every line of the rules' files whose host field matches the lookup name ({@code host} or {@code [host]:port}). */
    static List<KnownHostsEntry> entriesFor(KnownHostsRules rules, String lookupName) {
        List<KnownHostsEntry> out = new ArrayList<>();
        for (Path p : rules.searched()) {
            for (KnownHostsEntry e : new KnownHostsFile(p).read()) {
                if (HostPattern.matches(e.hosts(), lookupName)) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
