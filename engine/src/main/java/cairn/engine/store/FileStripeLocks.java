package cairn.engine.store;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-key locks for a {@link FileStore} directory that exclude other threads and other processes.
 *
 * <p>Each stripe is an in-process {@link ReentrantLock} plus an OS file lock ({@code fcntl}) on
 * {@code locks/<stripe>}. POSIX locks belong to the process, and the JVM refuses two overlapping locks on one file,
 * so all {@link FileStore}s of one JVM on one directory share a single instance (reference counted).
 */
final class FileStripeLocks {
    static final int STRIPES = 32;
    private static final Map<Path, FileStripeLocks> OPEN = new HashMap<>();

    private final Path dir;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final FileChannel[] channels = new FileChannel[STRIPES];
    private int users;

    private FileStripeLocks(Path dir) {
        this.dir = dir;
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    static FileStripeLocks acquire(Path dir) throws IOException {
        Path real = dir.toRealPath();
        synchronized (OPEN) {
            FileStripeLocks l = OPEN.computeIfAbsent(real, FileStripeLocks::new);
            l.users++;
            return l;
        }
    }

    void release() {
        synchronized (OPEN) {
            if (--users > 0) return;
            OPEN.remove(dir);
            for (int i = 0; i < STRIPES; i++) {
                locks[i].lock();
                try {
                    if (channels[i] != null) channels[i].close();
                } catch (IOException ignored) {
                    // closing a lock file cannot lose data
                } finally {
                    locks[i].unlock();
                }
            }
        }
    }

    <T> T locked(String key, FileStore.IoCall<T> body) throws IOException {
        int stripe = Math.floorMod(key.hashCode(), STRIPES);
        ReentrantLock lock = locks[stripe];
        lock.lock();
        try (FileLock ignored = lockFile(stripe)) {
            return body.call();
        } finally {
            lock.unlock();
        }
    }

    private FileLock lockFile(int stripe) throws IOException {
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = channels[stripe];
            if (ch == null || !ch.isOpen()) {
                ch = FileChannel.open(dir.resolve(Integer.toString(stripe)),
                        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                channels[stripe] = ch;
            }
            try {
                return ch.lock();
            } catch (ClosedChannelException e) {
                // an interrupted thread closed the shared channel: reopen once
                if (attempt > 0 || Thread.currentThread().isInterrupted()) throw e;
            }
        }
    }
}
