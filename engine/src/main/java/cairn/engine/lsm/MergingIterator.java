package cairn.engine.lsm;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.memtable.Memtable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges sources that are each in (key asc, seq desc) order into one such stream. Sources are given newest
 * first; equal (key, seq) pairs come out from the newest source first.
 */
final class MergingIterator implements Iterator<Entry> {
    private record Head(Entry entry, Iterator<Entry> rest, int source) {}

    private final PriorityQueue<Head> heap = new PriorityQueue<>((a, b) -> {
        int c = Memtable.ORDER.compare(a.entry, b.entry);
        return c != 0 ? c : Integer.compare(a.source, b.source);
    });

    MergingIterator(List<Iterator<Entry>> sources) {
        for (int i = 0; i < sources.size(); i++) advance(sources.get(i), i);
    }

    @Override
    public boolean hasNext() {
        return !heap.isEmpty();
    }

    @Override
    public Entry next() {
        Head h = heap.poll();
        if (h == null) throw new NoSuchElementException();
        advance(h.rest, h.source);
        return h.entry;
    }

    private void advance(Iterator<Entry> it, int source) {
        if (it.hasNext()) heap.add(new Head(it.next(), it, source));
    }
}
