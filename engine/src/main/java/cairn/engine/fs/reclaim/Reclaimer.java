package cairn.engine.fs.reclaim;

import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.data.FileData;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.Longs;
import cairn.engine.fs.store.Committer;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;
import cairn.engine.lsm.KeyValue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deletes the extents of large removed files in the background. Removal writes a tombstone (ino -> size) in
 * the same batch that deletes the inode; this worker, on one virtual thread, deletes at most
 * {@code batchExtents} extents per batch (each batch debits exactly the coverage it removes) and finally the
 * tombstone. Tombstones are durable, so a restart resumes where the last applied batch stopped.
 */
public final class Reclaimer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reclaimer.class.getName());

    private final MetaStore store;
    private final FileData data;
    private final Committer committer;
    private final ValueTransform codec;
    private final int batchExtents;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pending = true;
    private boolean idle;
    private boolean closed;
    private Thread worker;

    public Reclaimer(MetaStore store, FileData data, Committer committer, int batchExtents) {
        this.store = store;
        this.data = data;
        this.committer = committer;
        this.codec = store.codec();
        this.batchExtents = batchExtents;
    }

    /** Stages a tombstone for a removed file: its extents are deleted later. */
    public void stage(Txn t, long ino, long size) {
        t.put(FsKeys.tombstone(ino), Longs.encode(size));
    }

    public void start() {
        worker = Thread.ofVirtual().name("cairn-fs-reclaimer").start(this::run);
    }

    /** Signals that a tombstone was committed. */
    public void wake() {
        lock.lock();
        try {
            pending = true;
            idle = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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
            lock.lock();
            try {
                while (!pending && !closed) {
                    idle = true;
                    changed.signalAll();
                    changed.awaitUninterruptibly();
                }
                if (closed) return;
                pending = false;
            } finally {
                lock.unlock();
            }
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
            List<KeyValue> tombs = store.scan(FsKeys.kindPrefix(FsKeys.TOMBSTONE),
                    FsKeys.kindPrefix((byte) (FsKeys.TOMBSTONE + 1)), 16);
            if (tombs.isEmpty()) return;
            for (KeyValue kv : tombs) {
                long ino = FsKeys.idAt(kv.key(), 1);
                long size = Longs.decode(kv.value(), 1)[0];
                Txn t = new Txn(codec, false);
                if (data.dropSome(t, ino, size, batchExtents) == 0) t.delete(kv.key());
                committer.commit(t);
                if (isClosed()) return;
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
