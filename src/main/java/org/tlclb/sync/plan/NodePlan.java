package org.tlclb.sync.plan;

import java.util.List;

/**
 * Everything one node needs to match the source: the ordered changes (parents before children,
 * deletes of a directory after its children's), and leftover temporary files of interrupted runs.
 */
public record NodePlan(List<Change> changes, List<String> staleTemps) {

    public boolean isEmpty() {
        return changes.isEmpty() && staleTemps.isEmpty();
    }

    public List<Change> filesToSend() {
        return changes.stream().filter(c -> c instanceof Change.CreateFile || c instanceof Change.UpdateFile).toList();
    }

    public long bytesToSend() {
        return filesToSend().stream().mapToLong(c -> c instanceof Change.CreateFile cf ? cf.src().size()
                : ((Change.UpdateFile) c).src().size()).sum();
    }

    public long created() {
        return changes.stream().filter(c -> c instanceof Change.CreateFile || c instanceof Change.Mkdir
                || c instanceof Change.MakeSymlink ms && ms.old() == null).count();
    }

    public long updated() {
        return changes.stream().filter(c -> c instanceof Change.UpdateFile || c instanceof Change.SetAttrs
                || c instanceof Change.MakeSymlink ms && ms.old() != null).count();
    }

    public long deleted() {
        return changes.stream().filter(c -> c instanceof Change.Delete).count();
    }
}
