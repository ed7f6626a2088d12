package cairn.engine.lsm.wal;

import cairn.engine.lsm.WriteBatch;
import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValuePointer;
import cairn.engine.lsm.value.ValueStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAL object being filled: batches are appended in seq order; {@link #seal} freezes it into the object
 * bytes. Its id is fixed when it is created (ids are dense and PUTs are sequential). Until the PUT succeeds the
 * buffer serves reads of the large values it holds.
 */
final class WalBuffer implements ValueStore.PendingSegment {
    final long id;
    private final BinaryWriter out = new BinaryWriter(4096);
    private long createdNanos;
    private int batches;
    private byte[] sealed;

    WalBuffer(long id) {
        this.id = id;
        out.skip(ObjectFrame.HEADER_BYTES);
    }

    /** Appends one batch and returns the entries to put into the memtable (pointers for large values). */
    synchronized List<Entry> append(long seq, WriteBatch batch, int largeValueBytes) {
        if (sealed != null) throw new IllegalStateException("append to sealed WAL buffer " + id);
        if (batches == 0) createdNanos = System.nanoTime();
        batches++;
        out.u64(seq).u32(batch.ops().size());
        List<Entry> entries = new ArrayList<>(batch.ops().size());
        for (WriteBatch.Op op : batch.ops()) {
            byte[] key = op.key().clone();
            if (op.isDelete()) {
                out.u8(WalObject.OP_DELETE).lengthPrefixed(key);
                entries.add(new Entry(key, seq, Entry.Kind.DELETE, Entry.EMPTY));
            } else if (op.value().length >= largeValueBytes) {
                byte[] v = op.value();
                out.u8(WalObject.OP_SEGMENT_PUT).lengthPrefixed(key).u32(v.length);
                int offset = out.position();
                out.bytes(v);
                var p = new ValuePointer(id, offset, v.length, ValuePointer.crc(v, 0, v.length));
                entries.add(new Entry(key, seq, Entry.Kind.POINTER, p.encode()));
            } else {
                out.u8(WalObject.OP_PUT).lengthPrefixed(key).lengthPrefixed(op.value());
                entries.add(new Entry(key, seq, Entry.Kind.PUT, op.value().clone()));
            }
        }
        return entries;
    }

    synchronized boolean isEmpty() {
        return batches == 0;
    }

    synchronized int sizeBytes() {
        return out.position();
    }

    synchronized long ageNanos() {
        return batches == 0 ? 0 : System.nanoTime() - createdNanos;
    }

    /** Freezes the buffer into the object's bytes (idempotent). */
    synchronized byte[] seal(long epoch) {
        if (sealed == null) sealed = ObjectFrame.seal(ObjectFrame.MAGIC_WAL, epoch, out.array(), out.position());
        return sealed;
    }

    @Override
    public synchronized byte[] read(int offset, int length) {
        byte[] src = sealed != null ? sealed : out.array();
        return java.util.Arrays.copyOfRange(src, offset, offset + length);
    }
}
