package cairn.engine.lsm.wal;

import cairn.engine.lsm.LsmMetrics;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.lsm.WriteBatch;
import cairn.engine.lsm.WriterFencing;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValueStore;
import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectStore;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The group-commit WAL writer of one epoch. Writes are appended to the open buffer at once; one background
 * (virtual) thread PUTs buffers strictly one after another (K = 1 PUT in flight), which is what makes a single
 * fence object enough to stop a deposed writer (see {@link WriterFencing}).
 *
 * <p>A buffer is sealed and PUT when: a barrier asks for it and no PUT is in flight (else at the end of the one
 * in flight), it reached {@code walBufferBytesMax}, or its oldest write is {@code flushIntervalMs} old. Writes
 * block while sealed-but-unwritten bytes exceed {@code walUnflushedBytesMax}. A barrier returns once every WAL
 * object up to its target id is durable; after a fatal error (fenced, or retries past their deadline) every
 * pending and future barrier and append throws that error.
 */
public final class WalWriter implements AutoCloseable {
    private final ObjectStore store;
    private final LsmOptions options;
    private final long epoch;
    private final ValueStore values;
    private final LsmMetrics metrics;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<WalBuffer> sealed = new ArrayDeque<>();
    private WalBuffer current;
    private long sealedBytes;
    private long durableId;
    private boolean flushRequested;
    private boolean closing;
    private RuntimeException failure;
    private long bytesWritten;
    private final Thread flusher;

    /** Starts writing at {@code fenceId + 1}; everything up to the fence is already durable. */
    public WalWriter(ObjectStore store, LsmOptions options, long epoch, long fenceId, ValueStore values, LsmMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.options = options;
        this.epoch = epoch;
        this.values = values;
        this.durableId = fenceId;
        this.current = newBuffer(fenceId + 1);
        this.flusher = Thread.ofVirtual().name("cairn-wal-flusher-e" + epoch).start(this::flushLoop);
    }

    /** Appends a batch under {@code seq}; returns the entries for the memtable. Blocks under backpressure. */
    public List<Entry> append(long seq, WriteBatch batch) {
        lock.lock();
        try {
            while (failure == null && sealedBytes + current.sizeBytes() > options.walUnflushedBytesMax() && !sealed.isEmpty()) {
                changed.awaitUninterruptibly();
            }
            throwIfFailed();
            if (closing) throw new IllegalStateException("database is closed");
            List<Entry> entries = current.append(seq, batch, options.largeValueBytes());
            if (current.sizeBytes() >= options.walBufferBytesMax()) sealCurrent();
            changed.signalAll();
            return entries;
        } finally {
            lock.unlock();
        }
    }

    /** Seals the open buffer (if it holds data) and returns the highest WAL id holding any write so far. */
    public long sealForMemtableSwitch() {
        lock.lock();
        try {
            if (!current.isEmpty()) sealCurrent();
            changed.signalAll();
            return current.id - 1;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until every write appended before the call is durable. */
    public void barrier() {
        lock.lock();
        try {
            throwIfFailed();
            long target = current.isEmpty() ? current.id - 1 : current.id;
            if (!current.isEmpty()) {
                flushRequested = true;
                changed.signalAll();
            }
            awaitDurableLocked(target);
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until WAL object {@code id} (and all before it) is durable. */
    public void awaitDurable(long id) {
        lock.lock();
        try {
            awaitDurableLocked(id);
        } finally {
            lock.unlock();
        }
    }

    public long durableId() {
        lock.lock();
        try {
            return durableId;
        } finally {
            lock.unlock();
        }
    }

    /** The fatal error this writer stopped with, or null while healthy. */
    public RuntimeException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer with {@code error}: every pending and future barrier throws it. */
    public void fail(RuntimeException error) {
        lock.lock();
        try {
            if (failure == null) failure = error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes and objects this writer PUT (for write-amplification accounting). */
    public long bytesWritten() {
        lock.lock();
        try {
            return bytesWritten;
        } finally {
            lock.unlock();
        }
    }

    /** Flushes what is buffered (best effort, bounded by the retry deadline) and stops the flusher. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join(options.retry().deadline().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail(new IllegalStateException("database is closed"));
    }

    private void awaitDurableLocked(long target) {
        while (durableId < target && failure == null) changed.awaitUninterruptibly();
        if (durableId < target) throw failure;
    }

    private void throwIfFailed() {
        if (failure != null) throw failure;
    }

    private void sealCurrent() {
        current.seal(epoch);
        sealed.addLast(current);
        sealedBytes += current.sizeBytes();
        current = newBuffer(current.id + 1);
        flushRequested = false;
    }

    private WalBuffer newBuffer(long id) {
        WalBuffer b = new WalBuffer(id);
        values.registerPending(id, b);
        return b;
    }

    private void flushLoop() {
        while (true) {
            WalBuffer next;
            lock.lock();
            try {
                while (failure == null && sealed.isEmpty() && !dueLocked()) {
                    if (closing && current.isEmpty()) return;
                    long waitNs = current.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(options.flushIntervalMs())
                            : TimeUnit.MILLISECONDS.toNanos(options.flushIntervalMs()) - current.ageNanos();
                    try {
                        changed.awaitNanos(Math.max(1, waitNs));
                    } catch (InterruptedException e) {
                        fail(new IllegalStateException("WAL flusher interrupted", e));
                    }
                }
                if (failure != null) return;
                if (sealed.isEmpty()) sealCurrent();
                next = sealed.peekFirst();
            } finally {
                lock.unlock();
            }
            try {
                put(next);
            } catch (RuntimeException e) {
                fail(e);
                return;
            } catch (Throwable t) { // e.g. a simulated or real crash: nothing may wait on us any more
                fail(new IllegalStateException("WAL flusher died", t));
                return;
            }
            lock.lock();
            try {
                sealed.removeFirst();
                sealedBytes -= next.sizeBytes();
                durableId = next.id;
                values.markDurable(next.id);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean dueLocked() {
        if (current.isEmpty()) return false;
        return flushRequested || closing || current.ageNanos() >= TimeUnit.MILLISECONDS.toNanos(options.flushIntervalMs());
    }

    /** One create-if-absent PUT; a collision is classified by {@link WriterFencing#resolveWalCollision}. */
    private void put(WalBuffer buffer) {
        String key = WalNames.key(buffer.id);
        byte[] bytes = buffer.seal(epoch);
        ObjectFrame.verify(key, bytes, ObjectFrame.MAGIC_WAL, epoch);
        long startNs = System.nanoTime();
        ConditionalPut result = options.retry().call("put " + key,
                () -> store.putIfAbsent(key, bytes, Map.of("cairn-epoch", Long.toString(epoch))));
        if (result instanceof ConditionalPut.Conflict) {
            if (WriterFencing.resolveWalCollision(store, options.retry(), buffer.id, bytes, epoch) != WriterFencing.Collision.OWN) {
                throw new IllegalStateException(key + " holds an older epoch's object past our fence");
            }
        }
        metrics.walFlushed(System.nanoTime() - startNs);
        lock.lock();
        try {
            bytesWritten += bytes.length;
        } finally {
            lock.unlock();
        }
    }
}
