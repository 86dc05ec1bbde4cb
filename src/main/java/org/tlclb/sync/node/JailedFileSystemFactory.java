package org.tlclb.sync.node;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Collections;

import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;

/**
 * Gives every session the same rooted view of the node directory: like MINA's VirtualFileSystemFactory,
 * but with {@link JailedFileSystemProvider} so symlinks cannot lead out of the root.
 */
final class JailedFileSystemFactory implements FileSystemFactory {
    private final Path root;

    /** @param root the real path of the node directory (symlinks in it resolved) */
    JailedFileSystemFactory(Path root) {
        this.root = root;
    }

    @Override
    public Path getUserHomeDir(SessionContext session) {
        return root;
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) throws IOException {
        // A fresh provider per file system: RootedFileSystemProvider refuses a second FS for the same root.
        return new JailedFileSystemProvider().newFileSystem(root, Collections.emptyMap());
    }
}
