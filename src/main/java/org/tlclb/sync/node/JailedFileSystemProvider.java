package org.tlclb.sync.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import org.apache.sshd.common.file.root.RootedFileSystem;
import org.apache.sshd.common.file.root.RootedFileSystemProvider;
import org.apache.sshd.common.file.root.RootedPath;

/**
 * A {@link RootedFileSystemProvider} that also keeps symlinks inside the root, and stores symlink
 * targets verbatim as OpenSSH's sftp-server does.
 * <p>
 * MINA maps paths lexically only: a symlink on disk pointing out of the root would be followed by the
 * host OS, and MINA refuses to create relative links with a leading "..", which real nodes accept
 * (e.g. {@code ../shared/logo.png} in a content tree). Here every path is first resolved with
 * {@link ChrootWalk}: directories on the way are expanded, and the final component only for the
 * operations that follow links (open, stat, list...), never for lstat, readlink, unlink, rename.
 */
class JailedFileSystemProvider extends RootedFileSystemProvider {

    @Override
    protected Path resolveLocalPath(RootedPath path) {
        Path local = super.resolveLocalPath(path);
        try {
            return ChrootWalk.resolve(path.getFileSystem().getRoot(), local, false);
        } catch (IOException e) {
            throw new InvalidPathException(path.toString(), e.getMessage());
        }
    }

    /** The same node path with a symlink in its last component expanded, still a path of this file system. */
    private Path follow(Path path) throws IOException {
        RootedPath rooted = (RootedPath) path;
        RootedFileSystem rfs = rooted.getFileSystem();
        Path local = ChrootWalk.resolve(rfs.getRoot(), super.resolveLocalPath(rooted), true);
        return root(rfs, local);
    }

    private Path follow(Path path, Object[] options) throws IOException {
        return options != null && Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS) ? path : follow(path);
    }

    private Path follow(Path path, Set<? extends OpenOption> options) throws IOException {
        return options.contains(LinkOption.NOFOLLOW_LINKS) ? path : follow(path);
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        return super.newInputStream(follow(path, options), options);
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        return super.newOutputStream(follow(path, options), options);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return super.newFileChannel(follow(path, options), options, attrs);
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(
            Path path, Set<? extends OpenOption> options, ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        return super.newAsynchronousFileChannel(follow(path, options), options, executor, attrs);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return super.newByteChannel(follow(path, options), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return super.newDirectoryStream(follow(dir), filter);
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        super.checkAccess(follow(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        try {
            return super.getFileAttributeView(follow(path, options), type, options);
        } catch (IOException e) {
            // A link loop: hand back the view of the link itself; reading through it fails as ELOOP does.
            return super.getFileAttributeView(path, type, options);
        }
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return super.readAttributes(follow(path, options), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return super.readAttributes(follow(path, options), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        super.setAttribute(follow(path, options), attribute, value, options);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        super.copy(follow(source, options), target, options);
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return super.getFileStore(follow(path));
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return super.isSameFile(follow(path), follow(path2));
    }

    /** Stores the target as given (like symlink(2)); following it later is confined by {@link ChrootWalk}. */
    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        Path local = unroot(link);
        Path rawTarget = local.getFileSystem().getPath(target.toString());
        try {
            provider(local).createSymbolicLink(local, rawTarget, attrs);
        } catch (IOException e) {
            throw asNodeException(e, link);
        }
    }

    /** Returns the target as stored, so readlink answers what the client wrote, as on a real node. */
    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        Path local = unroot(link);
        RootedFileSystem rfs = ((RootedPath) link).getFileSystem();
        Path target;
        try {
            target = provider(local).readSymbolicLink(local);
        } catch (IOException e) {
            throw asNodeException(e, link);
        }
        if (target.isAbsolute() && target.startsWith(rfs.getRoot())) {
            return root(rfs, target);
        }
        return rfs.getPath(target.toString());
    }

    /** Keeps the exception type (the SFTP status code depends on it) but names the node path, not the host one. */
    private static IOException asNodeException(IOException e, Path nodePath) {
        String file = nodePath.toString();
        String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
        IOException mapped;
        if (e instanceof NoSuchFileException) {
            mapped = new NoSuchFileException(file, null, reason);
        } else if (e instanceof FileAlreadyExistsException) {
            mapped = new FileAlreadyExistsException(file, null, reason);
        } else if (e instanceof AccessDeniedException) {
            mapped = new AccessDeniedException(file, null, reason);
        } else {
            mapped = new FileSystemException(file, null, reason);
        }
        mapped.initCause(e);
        return mapped;
    }
}
