package cairn.engine.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.lsm.cache.BlockCache;
import cairn.engine.lsm.cache.StoreRangeReader;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import cairn.engine.lsm.iter.MergingIterator;
import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import cairn.engine.lsm.sst.SstOptions;
import cairn.engine.lsm.sst.SstReaders;
import cairn.engine.lsm.sst.SstWriter;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CompactionSchedulerTest {
    private final MemoryStore store = new MemoryStore();
    private final SstReaders readers = new SstReaders(new StoreRangeReader(store), new BlockCache(1 << 20, 1 << 20));
    private final SstWriter writer = new SstWriter(store, SstOptions.defaults(), 1);
    private final AtomicReference<LsmShape> shape = new AtomicReference<>(LsmShape.empty());
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private final CompactionScheduler.Host host = new CompactionScheduler.Host() {
        @Override
        public LsmShape shape() {
            return shape.get();
        }

        @Override
        public long minRetainedSeq() {
            return Long.MAX_VALUE;
        }

        @Override
        public PointerDropListener pointerListener(CompactionJob job) {
            return PointerDropListener.NONE;
        }

        @Override
        public boolean commit(CompactionResult result) {
            shape.updateAndGet(result::applyTo); // the "manifest" merges with concurrently added L0s
            return true;
        }

        @Override
        public void failed(CompactionJob job, Throwable error) {
            failures.add(error);
        }
    };

    private void addL0(int i) {
        var e = new Entry(String.format("k%04d", i % 50).getBytes(), i + 1, Entry.Kind.PUT, ("v" + i).getBytes());
        SstInfo sst = writer.write(List.of(e).iterator());
        shape.updateAndGet(s -> {
            List<SstInfo> l0 = new ArrayList<>(s.l0());
            l0.addFirst(sst);
            return new LsmShape(l0, s.runs());
        });
    }

    @Test
    void compactsInTheBackgroundWhileL0sArrive() throws InterruptedException {
        var options = new CompactionOptions(3, 8, 2, 4, 4.0, 4, 1 << 20, false);
        try (var scheduler = new CompactionScheduler(new CompactionPlanner(options),
                new CompactionExecutor(readers, writer, store, options.sstTargetBytes()), host)) {
            for (int i = 0; i < 200; i++) {
                addL0(i);
                scheduler.trigger();
            }
            assertTrue(scheduler.awaitIdle(60_000));
            scheduler.trigger();
            assertTrue(scheduler.awaitIdle(60_000));
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(scheduler.jobsCommitted() > 0);
            LsmShape s = shape.get();
            assertTrue(s.l0().size() < 3, "L0 drained: " + s.l0().size());
            assertTrue(s.runs().size() <= 4, "runs bounded: " + s.runs().size());
            List<EntryIterator> sources = new ArrayList<>();
            s.l0().forEach(i -> sources.add(readers.scan(i, null, null, true)));
            for (SortedRun r : s.runs()) sources.add(readers.scan(r, null, null, true));
            List<Entry> visible = new ArrayList<>();
            try (var it = new MergingIterator(sources, Long.MAX_VALUE)) {
                for (Entry e; (e = it.next()) != null; ) visible.add(e);
            }
            assertEquals(50, visible.size());
            for (Entry e : visible) {
                int k = Integer.parseInt(new String(e.key()).substring(1));
                assertEquals("v" + (150 + k), new String(e.value()), "latest write of " + k);
            }
        }
    }

    @Test
    void reportsFailuresAndKeepsTheShape() throws InterruptedException {
        var options = new CompactionOptions(2, 8, 2, 4, 4.0, 4, 1 << 20, false);
        for (int i = 0; i < 3; i++) addL0(i);
        LsmShape before = shape.get();
        SstReaders broken = new SstReaders((key, off, len) -> {
            throw new StoreException("injected outage", true);
        }, new BlockCache(0, 0));
        try (var scheduler = new CompactionScheduler(new CompactionPlanner(options),
                new CompactionExecutor(broken, writer, store, options.sstTargetBytes()), host)) {
            scheduler.trigger();
            assertTrue(scheduler.awaitIdle(60_000));
            assertEquals(1, scheduler.jobsFailed());
            assertEquals(1, failures.size());
            assertTrue(failures.getFirst().getMessage().contains("injected outage"));
            assertEquals(before, shape.get());
        }
    }
}
