package cairn.engine.lsm;

import cairn.engine.lsm.codec.BinaryReader;
import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.memtable.Memtable;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A whole-object SST: one frame (magic "CFLT") holding u32 count then entries (key, u64 seq, u8 kind, value),
 * read with one GET and binary-searched in memory. Correct and simple; it has no blocks, bloom filter or
 * compression, so it stands in for the block format of {@code cairn.engine.lsm.sst} until that is wired in.
 */
public final class SimpleTableFormat implements TableFormat {
    static final int MAGIC = 0x43464C54; // "CFLT"
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectStore store;
    private final RetryPolicy retry;
    private final Cache<String, Table> tables;

    public SimpleTableFormat(ObjectStore store, RetryPolicy retry, long cacheBytesMax) {
        this.store = store;
        this.retry = retry;
        this.tables = Caffeine.newBuilder().maximumWeight(cacheBytesMax).weigher((String k, Table t) -> (int) Math.min(Integer.MAX_VALUE, ((Loaded) t).bytes)).build();
    }

    /** A time-ordered, unique SST id: 13-digit ms then 16 random hex digits. */
    public static String newId() {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return String.format("%013d-%s", System.currentTimeMillis(), HexFormat.of().formatHex(r));
    }

    @Override
    public SstHandle write(Iterator<Entry> entries) {
        BinaryWriter w = new BinaryWriter(4096);
        w.skip(ObjectFrame.HEADER_BYTES);
        int countAt = w.skip(4);
        int n = 0;
        byte[] first = null, last = null;
        long maxSeq = 0;
        while (entries.hasNext()) {
            Entry e = entries.next();
            w.lengthPrefixed(e.key()).u64(e.seq()).u8(e.kind().code).lengthPrefixed(e.value());
            if (first == null) first = e.key();
            last = e.key();
            maxSeq = Math.max(maxSeq, e.seq());
            n++;
        }
        if (n == 0) throw new IllegalArgumentException("empty table");
        byte[] buf = w.array();
        buf[countAt] = (byte) (n >>> 24);
        buf[countAt + 1] = (byte) (n >>> 16);
        buf[countAt + 2] = (byte) (n >>> 8);
        buf[countAt + 3] = (byte) n;
        byte[] bytes = ObjectFrame.seal(MAGIC, 0, buf, w.position());
        var handle = new SstHandle(newId(), first, last, bytes.length, maxSeq);
        ObjectFrame.verify(handle.objectKey(), bytes, MAGIC, 0);
        retry.call("put " + handle.objectKey(), () -> store.put(handle.objectKey(), bytes, Map.of()));
        return handle;
    }

    @Override
    public Table open(SstHandle handle) {
        return tables.get(handle.id(), id -> load(handle));
    }

    private Table load(SstHandle h) {
        String key = h.objectKey();
        byte[] bytes = retry.call("get " + key, () -> store.get(key))
                .orElseThrow(() -> new CorruptObjectException(key, "SST listed in the manifest is missing"))
                .data();
        BinaryReader r = ObjectFrame.decode(key, bytes, MAGIC).payload(key);
        int n = r.count(14);
        List<Entry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(new Entry(r.lengthPrefixed(), r.u64(), kind(r), r.lengthPrefixed()));
        return new Loaded(Collections.unmodifiableList(list), bytes.length);
    }

    private static Entry.Kind kind(BinaryReader r) {
        int code = r.u8();
        try {
            return Entry.Kind.of((byte) code);
        } catch (IllegalArgumentException e) {
            throw r.corrupt("unknown entry kind " + code);
        }
    }

    private record Loaded(List<Entry> entries, long bytes) implements Table {
        @Override
        public Entry get(byte[] key, long readSeq) {
            int i = lowerBound(new Entry(key, readSeq, Entry.Kind.DELETE, Entry.EMPTY));
            if (i >= entries.size() || Keys.compare(entries.get(i).key(), key) != 0) return null;
            return entries.get(i);
        }

        @Override
        public Iterator<Entry> scan(byte[] from, byte[] to) {
            int start = lowerBound(new Entry(from, Long.MAX_VALUE, Entry.Kind.DELETE, Entry.EMPTY));
            int end = to == null ? entries.size() : lowerBound(new Entry(to, Long.MAX_VALUE, Entry.Kind.DELETE, Entry.EMPTY));
            return entries.subList(start, Math.max(start, end)).iterator();
        }

        private int lowerBound(Entry probe) {
            int lo = 0, hi = entries.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Memtable.ORDER.compare(entries.get(mid), probe) < 0) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }
}
