package org.tlclb.sync.node;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a local path below a root the way the kernel does inside a chroot: every symlink met on
 * the way is expanded, an absolute target starts again at the root and ".." stops at the root.
 * MINA's RootedFileSystem only checks paths lexically, so a symlink inside the tree that points out
 * of it would otherwise be followed by the host OS; resolving here first keeps every access inside.
 */
final class ChrootWalk {
    /** Same limit as Linux (MAXSYMLINKS), so a link loop fails like ELOOP does. */
    private static final int MAX_LINKS = 40;

    private ChrootWalk() {
    }

    /**
     * @param root        the real (symlink-free) root directory
     * @param local       a path under root, possibly containing "..", "." and symlinks
     * @param followFinal whether a symlink in the last component is expanded too
     * @return an equivalent path under root whose parent directories contain no symlink
     */
    static Path resolve(Path root, Path local, boolean followFinal) throws IOException {
        if (!local.startsWith(root)) {
            throw new FileSystemException(local.toString(), null, "Not under the node root");
        }
        Deque<String> todo = new ArrayDeque<>();
        pushFront(todo, root.relativize(local));
        Path cur = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                cur = cur.equals(root) ? root : cur.getParent();
                continue;
            }
            Path next = cur.resolve(name);
            boolean last = todo.isEmpty();
            if ((!last || followFinal) && Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw new FileSystemException(local.toString(), null, "Too many levels of symbolic links");
                }
                Path target = Files.readSymbolicLink(next);
                if (target.isAbsolute()) {
                    cur = root;
                    // Links made by older MINA code carry the host root as prefix; others are node-absolute.
                    target = target.startsWith(root) ? root.relativize(target) : target.getRoot().relativize(target);
                }
                pushFront(todo, target);
                continue;
            }
            cur = next;
        }
        return cur;
    }

    private static void pushFront(Deque<String> todo, Path relative) {
        for (int i = relative.getNameCount() - 1; i >= 0; i--) {
            todo.addFirst(relative.getName(i).toString());
        }
    }
}
