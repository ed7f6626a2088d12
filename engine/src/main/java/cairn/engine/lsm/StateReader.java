package cairn.engine.lsm;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SortedRun;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.value.ValuePointer;
import cairn.engine.lsm.value.ValueStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Point and range reads over one {@link DbState} at one seq: memtables, then L0, then sorted runs. */
final class StateReader implements ReadView {
    private final DbState state;
    private final long readSeq;
    private final TableFormat tables;
    private final ValueStore values;

    StateReader(DbState state, long readSeq, TableFormat tables, ValueStore values) {
        this.state = state;
        this.readSeq = readSeq;
        this.tables = tables;
        this.values = values;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Entry e = newest(key);
        if (e == null || e.kind() == Entry.Kind.DELETE) return Optional.empty();
        return Optional.of(valueOf(e));
    }

    @Override
    public KvIterator scan(byte[] fromInclusive, byte[] toExclusive) {
        return new Resolving(merged(fromInclusive, toExclusive), true);
    }

    /** Values of POINTER entries (large values, in WAL segments) are not fetched and come back empty. */
    @Override
    public KvIterator scanKeys(byte[] fromInclusive, byte[] toExclusive) {
        return new Resolving(merged(fromInclusive, toExclusive), false);
    }

    private Iterator<Entry> merged(byte[] fromInclusive, byte[] toExclusive) {
        List<Iterator<Entry>> sources = new ArrayList<>();
        sources.add(state.active().iterator(fromInclusive, toExclusive));
        for (DbState.Frozen f : state.frozen()) sources.add(f.memtable().iterator(fromInclusive, toExclusive));
        for (SstHandle h : state.l0()) if (overlaps(h, fromInclusive, toExclusive)) sources.add(tables.open(h).scan(fromInclusive, toExclusive));
        for (SortedRun r : state.runs()) sources.add(runScan(r, fromInclusive, toExclusive));
        return new MergingIterator(sources);
    }

    private Entry newest(byte[] key) {
        Entry e = state.active().get(key, readSeq);
        if (e != null) return e;
        for (DbState.Frozen f : state.frozen()) {
            e = f.memtable().get(key, readSeq);
            if (e != null) return e;
        }
        for (SstHandle h : state.l0()) {
            if (!covers(h, key)) continue;
            e = tables.open(h).get(key, readSeq);
            if (e != null) return e;
        }
        for (SortedRun r : state.runs()) {
            for (SstHandle h : r.ssts()) {
                if (!covers(h, key)) continue;
                e = tables.open(h).get(key, readSeq);
                if (e != null) return e;
                break;
            }
        }
        return null;
    }

    private byte[] valueOf(Entry e) {
        return switch (e.kind()) {
            case PUT -> e.value().clone();
            case POINTER -> values.read(ValuePointer.decode("value pointer of an entry", e.value())).clone();
            case DELETE -> throw new IllegalStateException("delete has no value");
        };
    }

    private Iterator<Entry> runScan(SortedRun run, byte[] from, byte[] to) {
        List<SstHandle> hits = new ArrayList<>();
        for (SstHandle h : run.ssts()) if (overlaps(h, from, to)) hits.add(h);
        return new Iterator<>() {
            int next;
            Iterator<Entry> cur = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!cur.hasNext() && next < hits.size()) cur = tables.open(hits.get(next++)).scan(from, to);
                return cur.hasNext();
            }

            @Override
            public Entry next() {
                if (!hasNext()) throw new NoSuchElementException();
                return cur.next();
            }
        };
    }

    private static boolean covers(SstHandle h, byte[] key) {
        return Keys.compare(h.firstKey(), key) <= 0 && Keys.compare(key, h.lastKey()) <= 0;
    }

    private static boolean overlaps(SstHandle h, byte[] from, byte[] to) {
        return Keys.compare(h.lastKey(), from) >= 0 && (to == null || Keys.compare(h.firstKey(), to) < 0);
    }

    /** Keeps, per key, the newest version at or below the read seq, and drops deletes. */
    private final class Resolving implements KvIterator {
        private static final byte[] NOT_LOADED = new byte[0];
        private final Iterator<Entry> merged;
        private final boolean loadPointers;
        private byte[] decidedKey;
        private KeyValue next;

        Resolving(Iterator<Entry> merged, boolean loadPointers) {
            this.merged = merged;
            this.loadPointers = loadPointers;
        }

        @Override
        public boolean hasNext() {
            while (next == null && merged.hasNext()) {
                Entry e = merged.next();
                if (e.seq() > readSeq) continue;
                if (decidedKey != null && Keys.compare(decidedKey, e.key()) == 0) continue;
                decidedKey = e.key();
                if (e.kind() == Entry.Kind.DELETE) continue;
                byte[] value = e.kind() == Entry.Kind.POINTER && !loadPointers ? NOT_LOADED : valueOf(e);
                next = new KeyValue(e.key().clone(), value);
            }
            return next != null;
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) throw new NoSuchElementException();
            KeyValue kv = next;
            next = null;
            return kv;
        }

        @Override
        public void close() {}
    }
}
