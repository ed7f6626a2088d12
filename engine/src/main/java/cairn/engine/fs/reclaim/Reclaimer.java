package cairn.engine.fs.reclaim;

import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.data.FileData;
import cairn.engine.fs.data.StaleExtents;
import cairn.engine.fs.inode.InodeLocks;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.store.Committer;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Deletes stale extents in the background: those of removed files and those a large truncate cut off. Both
 * are recorded as {@link StaleExtents} under the inode's tombstone key, in the same batch as the removal or
 * truncate; this worker, on one virtual thread, deletes at most {@code batchExtents} of them per batch under
 * the inode's lock (each batch debits exactly what it removes, and narrows the ranges) until no tombstone is
 * left. Tombstones are durable, so a restart resumes where the last applied batch stopped.
 */
public final class Reclaimer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reclaimer.class.getName());

    private final MetaStore store;
    private final FileData data;
    private final Committer committer;
    private final InodeLocks locks;
    private final ValueTransform codec;
    private final int batchExtents;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pending = true;
    private boolean idle;
    private boolean closed;
    private Thread worker;

    public Reclaimer(MetaStore store, FileData data, Committer committer, InodeLocks locks, int batchExtents) {
        this.store = store;
        this.data = data;
        this.committer = committer;
        this.locks = locks;
        this.codec = store.codec();
        this.batchExtents = batchExtents;
    }

    public void start() {
        worker = Thread.ofVirtual().name("cairn-fs-reclaimer").start(this::run);
    }

    /** Signals that a tombstone was committed. */
    public void wake() {
        locked(() -> {
            pending = true;
            idle = false;
            changed.signalAll();
            return null;
        });
    }

    /** Waits until no tombstone is left; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!idle) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            boolean stop = locked(() -> {
                while (!pending && !closed) {
                    idle = true;
                    changed.signalAll();
                    changed.awaitUninterruptibly();
                }
                pending = false;
                return closed;
            });
            if (stop) return;
            try {
                drain();
            } catch (RuntimeException e) {
                // the tombstones stay; the next wake (or restart) retries
                LOG.log(System.Logger.Level.WARNING, "background delete failed", e);
            }
        }
    }

    private void drain() {
        while (!isClosed()) {
            List<byte[]> tombs = store.scanKeys(FsKeys.kindPrefix(FsKeys.TOMBSTONE),
                    FsKeys.kindPrefix((byte) (FsKeys.TOMBSTONE + 1)), 16);
            if (tombs.isEmpty()) return;
            for (byte[] key : tombs) {
                long ino = FsKeys.idAt(key, 1);
                try (var held = locks.lock(ino)) {
                    Txn t = new Txn(codec, false);
                    if (data.reclaimSome(t, ino, batchExtents)) committer.commit(t);
                }
                if (isClosed()) return;
            }
        }
    }

    private boolean isClosed() {
        return locked(() -> closed);
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        locked(() -> {
            closed = true;
            changed.signalAll();
            return null;
        });
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
