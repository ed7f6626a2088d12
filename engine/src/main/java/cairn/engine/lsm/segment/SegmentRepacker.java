package cairn.engine.lsm.segment;

import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.compaction.PointerRewriter;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValuePointer;
import cairn.engine.lsm.value.ValueStore;
import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Copies the values that kept pointers reach in the candidate segments into new repacked segment objects
 * ({@code seg/<id>}, header + the values back to back, the writer's epoch in the header) and hands out pointers to
 * the copies; records every move in a {@link SegmentDelta}. Each object is created with create-if-absent once it is
 * full and at {@link #finish()}, so every copy is durable before the compaction result that points at it is
 * committed. Nothing is referenced until that commit: after a crash or a fenced commit the objects are garbage,
 * which GC removes after its grace period. A copied value keeps its length and CRC32C, so reads check it as before.
 */
public final class SegmentRepacker implements PointerRewriter {
    private final ObjectStore store;
    private final RetryPolicy retry;
    private final long epoch;
    private final LongSupplier nextId;
    private final Set<Long> candidates;
    private final ValueStore values;
    private final long segmentBytesMax;
    private final SegmentDelta delta;
    private BinaryWriter open;
    private long openId;
    private long bytesCopied;

    /**
     * @param store  where the copies go (the caller registers their keys against GC before the PUT)
     * @param nextId a fresh repacked segment id per call ({@link SegmentNames#repackedId})
     */
    public SegmentRepacker(ObjectStore store, RetryPolicy retry, long epoch, LongSupplier nextId, Set<Long> candidates,
                           ValueStore values, long segmentBytesMax, SegmentDelta delta) {
        this.store = store;
        this.retry = retry;
        this.epoch = epoch;
        this.nextId = nextId;
        this.candidates = Set.copyOf(candidates);
        this.values = values;
        this.segmentBytesMax = segmentBytesMax;
        this.delta = delta;
    }

    @Override
    public Entry rewrite(Entry pointer) {
        ValuePointer p = ValuePointer.decode("pointer of a compacted entry", pointer.value());
        if (!candidates.contains(p.walId())) return pointer;
        ValuePointer copy = copy(p);
        delta.added(copy);
        delta.dropped(p);
        return new Entry(pointer.key(), pointer.seq(), Entry.Kind.POINTER, copy.encode());
    }

    @Override
    public void finish() {
        if (open != null) seal();
    }

    /** Value bytes copied so far. */
    public long bytesCopied() {
        return bytesCopied;
    }

    private ValuePointer copy(ValuePointer p) {
        byte[] v = values.read(p); // checked against the pointer's CRC32C when it comes from the store
        if (open != null && open.position() + (long) v.length > ObjectFrame.HEADER_BYTES + segmentBytesMax) seal();
        if (open == null) {
            open = new BinaryWriter(Math.min(1 << 20, ObjectFrame.HEADER_BYTES + v.length));
            open.skip(ObjectFrame.HEADER_BYTES);
            openId = nextId.getAsLong();
        }
        int offset = open.position();
        open.bytes(v);
        bytesCopied += v.length;
        return new ValuePointer(openId, offset, v.length, p.crc32c());
    }

    private void seal() {
        String key = SegmentNames.key(openId);
        byte[] bytes = ObjectFrame.seal(ObjectFrame.MAGIC_SEGMENT, epoch, open.array(), open.position());
        ObjectFrame.verify(key, bytes, ObjectFrame.MAGIC_SEGMENT, epoch);
        open = null;
        ConditionalPut r = retry.call("create " + key, () -> store.putIfAbsent(key, bytes, Map.of("cairn-epoch", Long.toString(epoch))));
        if (r instanceof ConditionalPut.Conflict) { // our own earlier attempt whose reply was lost, or a foreign object
            var existing = retry.call("get " + key, () -> store.get(key));
            if (existing.isEmpty() || !Arrays.equals(existing.get().data(), bytes)) {
                throw new IllegalStateException(key + " already holds another object: repacked segment ids collided");
            }
        }
    }
}
