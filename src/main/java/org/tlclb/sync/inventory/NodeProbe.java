package org.tlclb.sync.inventory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.HardLinks;
import org.tlclb.sync.scan.Manifest;
import org.tlclb.sync.ssh.ShellBatch;
import org.tlclb.sync.ssh.SftpTimes;

/**
 * Completes a node's SFTP listing where SFTP v3 cannot tell: the true time of an entry whose source
 * time is outside what SFTP carries (the listing holds its low 32 bits only), and which of the
 * names the source has for one file are one file on the node (the listing has no inode). One
 * {@link ShellBatch#stat} batch, for those entries only: a tree without such times or hard links
 * costs nothing here.
 *
 * <p>Only an entry whose listed time could be the source's is looked at: one whose low 32 bits
 * already differ differs. A node entry whose time differs from an in-range source time by a
 * multiple of 2^32 seconds (136 years) looks the same in the listing and is not looked at.
 */
public final class NodeProbe {
    private NodeProbe() {
    }

    /** The entries of the node that the listing alone cannot compare with the source. */
    static Set<String> wanted(Manifest node, Manifest source, HardLinks links, boolean linkTimes) {
        Set<String> out = new TreeSet<>();
        for (Entry s : source.unordered()) {
            if (SftpTimes.carries(s.mtime()) || (s.isSymlink() && !linkTimes)) {
                continue;
            }
            Entry n = node.get(s.path()).orElse(null);
            if (n != null && n.type() == s.type() && n.mtime() == SftpTimes.listed(s.mtime())) {
                out.add(s.path());
            }
        }
        for (String p : links.paths()) {
            if (node.get(p).filter(Entry::isFile).isPresent()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * @param links the source's files with several names, when the node is to link them (else NONE)
     * @throws IOException the node's shell could not tell (no shell, no GNU stat): the caller plans
     *                     those entries as changed, and says so
     */
    public static NodeInventory complete(NodeInventory inv, Manifest source, HardLinks links, ShellBatch shell)
            throws IOException {
        Set<String> wanted = wanted(inv.manifest(), source, links, inv.facts().linkTimes());
        if (wanted.isEmpty()) {
            return inv;
        }
        Map<String, ShellBatch.Stat> stats = shell.stat(wanted);
        Map<String, Entry> entries = new HashMap<>(inv.manifest().size() * 2);
        for (Entry n : inv.manifest().unordered()) {
            ShellBatch.Stat st = stats.get(n.path());
            entries.put(n.path(), st == null || st.mtime() == n.mtime() ? n
                    : new Entry(n.path(), n.type(), n.size(), st.mtime(), n.mode(), n.linkTarget(), n.sha256()));
        }
        // Names of one inode map to the lowest of them (TreeSet order), the same on every node linked alike.
        Map<Long, String> firstOf = new HashMap<>();
        Map<String, String> same = new HashMap<>();
        for (String p : wanted) {
            ShellBatch.Stat st = stats.get(p);
            if (st != null && links.leader(p) != null) {
                same.put(p, firstOf.computeIfAbsent(st.inode(), i -> p));
            }
        }
        return inv.with(new Manifest(entries), inv.facts().withSameFile(same));
    }
}
