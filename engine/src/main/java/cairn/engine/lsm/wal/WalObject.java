package cairn.engine.lsm.wal;

import cairn.engine.lsm.codec.BinaryReader;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValuePointer;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded WAL object: its writer epoch and its batches. A fence is a WAL object with no batches.
 *
 * <p>Payload: a sequence of batches {@code seq u64, opCount u32, op*}; an op is {@code kind u8, key (u32 length
 * + bytes)} followed, for kinds 1 and 3, by {@code value (u32 length + bytes)}. Kind 1 = put (value inline in the
 * memtable/SST), 2 = delete, 3 = put whose value stays in this object (the memtable/SST keeps a
 * {@link ValuePointer}).
 */
public record WalObject(long id, long epoch, List<WalBatch> batches, List<SegmentValue> segmentValues) {

    static final int OP_PUT = 1;
    static final int OP_DELETE = 2;
    static final int OP_SEGMENT_PUT = 3;

    /** A large value found in this object (lets tailers prime the value cache without another GET). */
    public record SegmentValue(ValuePointer pointer, byte[] value) {}

    public boolean isFence() {
        return batches.isEmpty();
    }

    public long maxSeq() {
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).seq();
    }

    public static WalObject decode(long id, byte[] bytes) {
        String key = WalNames.key(id);
        ObjectFrame.Frame frame = ObjectFrame.decode(key, bytes, ObjectFrame.MAGIC_WAL);
        BinaryReader r = frame.payload(key);
        List<WalBatch> batches = new ArrayList<>();
        List<SegmentValue> segmentValues = new ArrayList<>();
        long lastSeq = 0;
        while (r.hasRemaining()) {
            long seq = r.u64();
            if (seq <= lastSeq) throw r.corrupt("batch seq " + seq + " not above " + lastSeq);
            lastSeq = seq;
            int ops = r.count(5);
            List<Entry> entries = new ArrayList<>(ops);
            for (int i = 0; i < ops; i++) {
                int kind = r.u8();
                byte[] k = r.lengthPrefixed();
                switch (kind) {
                    case OP_PUT -> entries.add(new Entry(k, seq, Entry.Kind.PUT, r.lengthPrefixed()));
                    case OP_DELETE -> entries.add(new Entry(k, seq, Entry.Kind.DELETE, Entry.EMPTY));
                    case OP_SEGMENT_PUT -> {
                        int len = r.length();
                        int offset = r.position();
                        byte[] v = r.bytes(len);
                        var p = new ValuePointer(id, offset, len, ValuePointer.crc(v, 0, len));
                        segmentValues.add(new SegmentValue(p, v));
                        entries.add(new Entry(k, seq, Entry.Kind.POINTER, p.encode()));
                    }
                    default -> throw r.corrupt("unknown op kind " + kind);
                }
            }
            batches.add(new WalBatch(seq, entries));
        }
        return new WalObject(id, frame.epoch(), batches, segmentValues);
    }

    /** The bytes of a fence: a WAL object with a header and an empty payload. */
    public static byte[] fence(long epoch) {
        return ObjectFrame.encode(ObjectFrame.MAGIC_WAL, epoch, new byte[0]);
    }
}
