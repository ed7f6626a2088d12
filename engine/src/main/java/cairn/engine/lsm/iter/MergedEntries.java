package cairn.engine.lsm.iter;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import java.util.List;

/**
 * K-way merge of sorted sources into one stream in engine order (key ascending, seq descending), keeping every
 * version. If two sources hold the same (key, seq), only the one from the earlier source in the list is
 * returned (list sources newest first). A binary heap of source heads; one heap sift per entry, no allocation
 * per entry beyond what the sources themselves allocate.
 */
public final class MergedEntries implements EntryIterator {
    private final EntryIterator[] sources;
    private final Entry[] heads;
    private final int[] heap; // source indexes ordered by their heads
    private int size;
    private Entry last;

    public MergedEntries(List<? extends EntryIterator> sources) {
        this.sources = sources.toArray(new EntryIterator[0]);
        this.heads = new Entry[this.sources.length];
        this.heap = new int[this.sources.length];
        for (int i = 0; i < this.sources.length; i++) {
            heads[i] = this.sources[i].next();
            if (heads[i] != null) {
                heap[size++] = i;
                siftUp(size - 1);
            }
        }
    }

    @Override
    public Entry next() {
        while (size > 0) {
            int top = heap[0];
            Entry e = heads[top];
            heads[top] = sources[top].next();
            if (heads[top] == null) {
                heap[0] = heap[--size];
            }
            if (size > 0) siftDown(0);
            if (last != null && last.seq() == e.seq() && Keys.compare(last.key(), e.key()) == 0) continue; // duplicate
            last = e;
            return e;
        }
        return null;
    }

    /** Engine order, then source position (earlier source wins ties). */
    private boolean less(int a, int b) {
        Entry x = heads[a];
        Entry y = heads[b];
        int c = Keys.compare(x.key(), y.key());
        if (c != 0) return c < 0;
        if (x.seq() != y.seq()) return x.seq() > y.seq();
        return a < b;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(heap[i], heap[parent])) return;
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int r = l + 1;
            int m = r < size && less(heap[r], heap[l]) ? r : l;
            if (!less(heap[m], heap[i])) return;
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (EntryIterator s : sources) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
