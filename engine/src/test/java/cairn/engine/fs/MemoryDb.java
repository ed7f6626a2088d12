package cairn.engine.fs;

import cairn.engine.lsm.Db;
import cairn.engine.lsm.KeyValue;
import cairn.engine.lsm.Keys;
import cairn.engine.lsm.KvIterator;
import cairn.engine.lsm.ReadOnlyException;
import cairn.engine.lsm.Snapshot;
import cairn.engine.lsm.WriteBatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Test-only in-memory {@link Db}. Batches since the last barrier are kept in order, so a simulated crash can
 * keep any prefix of them ({@link #crash(int)}), as the real engine's contract allows. Maps are copied on
 * write after a snapshot or scan shared them, so reads never see later writes.
 */
public final class MemoryDb implements Db {
    private NavigableMap<byte[], byte[]> durable;
    private NavigableMap<byte[], byte[]> live;
    private boolean liveShared;
    private final List<List<WriteBatch.Op>> pending = new ArrayList<>();
    private final long epoch;
    private final boolean readOnly;
    private int barriers;

    public MemoryDb() {
        this(new TreeMap<>(Keys::compare), 1, false);
    }

    private MemoryDb(NavigableMap<byte[], byte[]> state, long epoch, boolean readOnly) {
        this.durable = state;
        this.live = new TreeMap<>(state);
        this.epoch = epoch;
        this.readOnly = readOnly;
    }

    @Override
    public synchronized Optional<byte[]> get(byte[] key) {
        return Optional.ofNullable(live.get(key)).map(byte[]::clone);
    }

    @Override
    public synchronized KvIterator scan(byte[] from, byte[] to) {
        liveShared = true;
        return iterator(live, from, to);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        write(new WriteBatch().put(key, value));
    }

    @Override
    public void delete(byte[] key) {
        write(new WriteBatch().delete(key));
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        if (readOnly) throw new ReadOnlyException("read-only MemoryDb");
        if (liveShared) {
            live = new TreeMap<>(live);
            liveShared = false;
        }
        List<WriteBatch.Op> ops = new ArrayList<>();
        for (WriteBatch.Op op : batch.ops()) {
            byte[] key = op.key().clone();
            byte[] value = op.isDelete() ? null : op.value().clone();
            ops.add(new WriteBatch.Op(key, value));
            if (value == null) live.remove(key);
            else live.put(key, value);
        }
        pending.add(ops);
    }

    @Override
    public synchronized Snapshot snapshot() {
        liveShared = true;
        NavigableMap<byte[], byte[]> frozen = live;
        return new Snapshot() {
            @Override
            public Optional<byte[]> get(byte[] key) {
                return Optional.ofNullable(frozen.get(key)).map(byte[]::clone);
            }

            @Override
            public KvIterator scan(byte[] from, byte[] to) {
                return iterator(frozen, from, to);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized void barrier() {
        if (readOnly) return;
        durable = new TreeMap<>(live);
        pending.clear();
        barriers++;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void close() {}

    /** Batches written since the last barrier (what a crash may lose). */
    public synchronized int pendingBatches() {
        return pending.size();
    }

    public synchronized int barriers() {
        return barriers;
    }

    /** The database after a crash that kept the durable state plus the first {@code keep} pending batches. */
    public synchronized MemoryDb crash(int keep) {
        NavigableMap<byte[], byte[]> state = new TreeMap<>(durable);
        for (List<WriteBatch.Op> ops : pending.subList(0, Math.min(keep, pending.size()))) {
            for (WriteBatch.Op op : ops) {
                if (op.isDelete()) state.remove(op.key());
                else state.put(op.key(), op.value());
            }
        }
        return new MemoryDb(state, epoch + 1, false);
    }

    /** A read-only view of the current durable state plus everything written (like a caught-up replica). */
    public synchronized MemoryDb readOnlyReplica() {
        return new MemoryDb(new TreeMap<>(live), epoch, true);
    }

    /** Raw keys, for tests that inspect the layout. */
    public synchronized List<byte[]> keys() {
        return new ArrayList<>(live.keySet());
    }

    private static KvIterator iterator(NavigableMap<byte[], byte[]> map, byte[] from, byte[] to) {
        Map<byte[], byte[]> range = to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
        Iterator<Map.Entry<byte[], byte[]>> it = range.entrySet().iterator();
        return new KvIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue next() {
                Map.Entry<byte[], byte[]> e = it.next();
                return new KeyValue(e.getKey(), e.getValue().clone());
            }

            @Override
            public void close() {}
        };
    }
}
