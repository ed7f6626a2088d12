package cairn.engine.lsm.iter;

import cairn.engine.lsm.entry.Entry;
import java.util.Iterator;

/**
 * A forward source of entries in engine order: key ascending (unsigned bytes), then seq descending. Sources
 * are memtables, SSTs and sorted runs; {@link MergedEntries} and {@link MergingIterator} combine them.
 */
public interface EntryIterator extends AutoCloseable {
    /** The next entry, or null when the source is exhausted. */
    Entry next();

    @Override
    default void close() {}

    /** This source as a {@link Iterator} (one entry of look-ahead). */
    default Iterator<Entry> asIterator() {
        return new Iterator<>() {
            private Entry next = EntryIterator.this.next();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                if (next == null) throw new java.util.NoSuchElementException();
                Entry e = next;
                next = EntryIterator.this.next();
                return e;
            }
        };
    }

    static EntryIterator of(Iterator<Entry> it) {
        return () -> it.hasNext() ? it.next() : null;
    }

    static EntryIterator empty() {
        return () -> null;
    }
}
