package cairn.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temp files of one {@link FileStore} instance: {@code tmp/<uuid>/}, owned while {@code tmp/<uuid>.lock} is
 * locked. Opening a new area removes the areas whose owner is gone (its lock can be taken): leftovers of a crash.
 */
final class FileTempArea implements AutoCloseable {
    private static final String LOCK_SUFFIX = ".lock";
    /** An area without a lock file is only removed once this old (its owner may be between the two steps). */
    private static final Duration ORPHAN_AGE_MIN = Duration.ofMinutes(10);
    /**
     * Lock files owned by this JVM. Never opened by the cleaner: closing any channel on a file drops the process's
     * POSIX lock on it, even one taken through another channel.
     */
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path lockPath;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FileTempArea(Path dir, Path lockPath, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockPath = lockPath;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static FileTempArea open(Path tmpRoot) throws IOException {
        Files.createDirectories(tmpRoot);
        removeAbandoned(tmpRoot);
        while (true) {
            String id = UUID.randomUUID().toString();
            Path lockPath = tmpRoot.resolve(id + LOCK_SUFFIX);
            OWNED.add(lockPath);
            FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = ch.lock();
            if (!Files.exists(lockPath)) { // a concurrent cleaner removed it before we locked it: start over
                ch.close();
                OWNED.remove(lockPath);
                continue;
            }
            return new FileTempArea(Files.createDirectory(tmpRoot.resolve(id)), lockPath, ch, lock);
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            deleteTree(dir);
            Files.deleteIfExists(lockPath);
            lock.release();
            lockChannel.close();
            OWNED.remove(lockPath);
        } catch (IOException ignored) {
            // leftovers are removed by the next opener
        }
    }

    private static void removeAbandoned(Path tmpRoot) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpRoot)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (OWNED.contains(p) || OWNED.contains(tmpRoot.resolve(name + LOCK_SUFFIX))) continue;
                if (name.endsWith(LOCK_SUFFIX)) {
                    removeIfOwnerGone(p, tmpRoot.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length())));
                } else if (!Files.exists(tmpRoot.resolve(name + LOCK_SUFFIX)) && olderThan(p, ORPHAN_AGE_MIN)) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void removeIfOwnerGone(Path lockPath, Path area) throws IOException {
        try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return; // another process owns it
            deleteTree(area);
            Files.deleteIfExists(lockPath);
        } catch (OverlappingFileLockException e) {
            // owned by another store in this JVM
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    private static boolean olderThan(Path p, Duration age) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
