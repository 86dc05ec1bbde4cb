package org.tlclb.sync.plan;

import java.util.Set;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.Names;

/**
 * One change the plan makes on a node: the closed set a node plan is made of. Each change carries
 * what differs ({@link Diff}), found once when the planner made it; the rest only renders it.
 */
public sealed interface Change {

    /** The relative path the change is about. */
    String path();

    /** An rsync {@code --itemize-changes} style code of 11 characters, as rsync prints for a push. */
    String code();

    /** The preview line: code, path (printable, '/' after directories, "-> target" after links). */
    default String itemize() {
        return code() + " " + display();
    }

    default String display() {
        return Names.printable(path().isEmpty() ? "." : path());
    }

    /** A directory the source has and the node lacks. */
    record Mkdir(Entry src) implements Change {
        public String path() {
            return src.path();
        }

        public String code() {
            return "cd+++++++++";
        }

        @Override
        public String display() {
            return Change.super.display() + "/";
        }
    }

    /** A file the node lacks. */
    record CreateFile(Entry src) implements Change {
        public String path() {
            return src.path();
        }

        public String code() {
            return "<f+++++++++";
        }
    }

    /** A file whose content differs (by size and mtime, or by checksum), or that replaces another type. */
    record UpdateFile(Entry src, Entry old, Set<Diff> diffs) implements Change {
        public UpdateFile(Entry src, Entry old) {
            this(src, old, Diff.between(src, old));
        }

        public UpdateFile {
            diffs = Set.copyOf(diffs);
        }

        public String path() {
            return src.path();
        }

        /** Whether a file was there before (it is replaced, so a backup keeps it). */
        public boolean replacesFile() {
            return old.isFile() && !diffs.contains(Diff.TYPE);
        }

        public String code() {
            if (diffs.contains(Diff.TYPE)) {
                return "<f+++++++++";
            }
            return "<f" + flag(Diff.CONTENT, 'c') + flag(Diff.SIZE, 's') + flag(Diff.MTIME, 't') + flag(Diff.MODE, 'p')
                    + ".....";
        }

        private char flag(Diff d, char c) {
            return diffs.contains(d) ? c : '.';
        }
    }

    /** A symlink to create, or to replace one that points elsewhere (or another type in the way). */
    record MakeSymlink(Entry src, Entry old) implements Change {
        public String path() {
            return src.path();
        }

        public String code() {
            // rsync puts "the link's value changed" in the checksum column (index 2), as in "cLc.T......".
            return old == null || !old.isSymlink() ? "cL+++++++++" : "cLc........";
        }

        @Override
        public String display() {
            return Change.super.display() + " -> " + Names.printable(src.linkTarget());
        }
    }

    /**
     * A name of a file the source has under several names (rsync -H): made a hard link to its
     * group's leader, which is sent (or is already there) under its own name. {@code old} is what the
     * node has at that name (a file not linked to the leader), or null.
     */
    record LinkFile(Entry src, Entry old, String leader) implements Change {
        public String path() {
            return src.path();
        }

        /** Whether a file was there before (it is replaced, so a backup keeps it). */
        public boolean replacesFile() {
            return old != null && old.isFile();
        }

        public String code() {
            return old == null ? "hf+++++++++" : "hf.........";
        }

        @Override
        public String display() {
            return Change.super.display() + " => " + Names.printable(leader);
        }
    }

    /**
     * An entry the node has and the source does not. {@code forced} deletes clear an entry of
     * another type out of the way of a source entry; they happen even without --delete.
     */
    record Delete(Entry old, boolean forced) implements Change {
        public String path() {
            return old.path();
        }

        public String code() {
            return "*deleting  ";
        }

        @Override
        public String display() {
            return Change.super.display() + (old.isDir() ? "/" : "");
        }
    }

    /** Same content, different mode or mtime (for a symlink: its own mtime): fixed in place. */
    record SetAttrs(Entry src, Entry old, Set<Diff> diffs) implements Change {
        public SetAttrs(Entry src, Entry old) {
            this(src, old, Diff.between(src, old));
        }

        public SetAttrs {
            diffs = Set.copyOf(diffs);
        }

        public String path() {
            return src.path();
        }

        public String code() {
            return "." + (src.isDir() ? 'd' : src.isSymlink() ? 'L' : 'f') + ".." + (diffs.contains(Diff.MTIME) ? 't' : '.')
                    + (diffs.contains(Diff.MODE) ? 'p' : '.') + ".....";
        }

        @Override
        public String display() {
            return Change.super.display() + (src.isDir() && !src.path().isEmpty() ? "/" : "");
        }
    }
}
