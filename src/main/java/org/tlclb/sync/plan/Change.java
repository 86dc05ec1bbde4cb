package org.tlclb.sync.plan;

import org.tlclb.sync.scan.Entry;
import org.tlclb.sync.scan.TreeScanner;

/** One change the plan makes on a node. The closed set a node plan is made of. */
public sealed interface Change {

    /** The relative path the change is about. */
    String path();

    /** An rsync {@code --itemize-changes} style code of 11 characters. */
    String code();

    /** The preview line: code, path (printable, '/' after directories, "-> target" after links). */
    default String itemize() {
        return code() + " " + display();
    }

    default String display() {
        return TreeScanner.printable(path().isEmpty() ? "." : path());
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
            return ">f+++++++++";
        }
    }

    /** A file whose content differs (by size and mtime, or by checksum). */
    record UpdateFile(Entry src, Entry old) implements Change {
        public String path() {
            return src.path();
        }

        public String code() {
            boolean typeChanged = !old.isFile();
            if (typeChanged) {
                return ">f+++++++++";
            }
            return ">f"
                    + (src.sha256() != null && old.sha256() != null && !src.sha256().equals(old.sha256()) ? 'c' : '.')
                    + (src.size() != old.size() ? 's' : '.')
                    + (src.mtime() != old.mtime() ? 't' : '.')
                    + (src.mode() != old.mode() ? 'p' : '.')
                    + ".....";
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
            return Change.super.display() + " -> " + TreeScanner.printable(src.linkTarget());
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

    /** Same content, different mode or mtime: fixed in place. */
    record SetAttrs(Entry src, Entry old) implements Change {
        public String path() {
            return src.path();
        }

        public String code() {
            return "." + (src.isDir() ? 'd' : 'f') + ".."
                    + (src.mtime() != old.mtime() ? 't' : '.')
                    + (src.mode() != old.mode() ? 'p' : '.')
                    + ".....";
        }

        @Override
        public String display() {
            return Change.super.display() + (src.isDir() && !src.path().isEmpty() ? "/" : "");
        }

        public boolean modeDiffers() {
            return src.mode() != old.mode();
        }

        public boolean mtimeDiffers() {
            return src.mtime() != old.mtime();
        }
    }
}
