package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static cairn.engine.lsm.TestKv.toMap;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.SimulatedCrash;
import cairn.engine.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Model-based randomized test: random puts, deletes, batches, gets, scans, snapshots, barriers, memtable
 * flushes, clean reopens, crashes and reader catch-ups against a TreeMap model, over a store that injects
 * retryable errors and lost replies. Oracle after a crash: the recovered state equals the model after some
 * prefix of the writes that contains every write acknowledged by a barrier.
 */
class LsmModelTest {
    private static final int KEYS = 40;

    @Test
    void randomOperationsMatchTheModel() {
        long base = Long.getLong("cairn.seed", System.nanoTime());
        for (int i = 0; i < 6; i++) {
            long seed = base + i;
            try {
                new Run(seed, 700).go();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (rerun with -Dcairn.seed=" + seed + "): " + t, t);
            }
        }
    }

    private static final class Run {
        final long seed;
        final int steps;
        final Random rnd;
        final MemoryStore bucket = new MemoryStore();
        final List<TreeMap<String, String>> history = new ArrayList<>();
        TreeMap<String, String> model = new TreeMap<>();
        int acked;
        long epoch = 1;
        FaultInjectingStore process;
        LsmDb db;
        /** A standby that tails the run across crashes and new epochs; sometimes promoted to replace a crashed writer. */
        LsmDb standby;
        FaultInjectingStore standbyProcess;

        Run(long seed, int steps) {
            this.seed = seed;
            this.steps = steps;
            this.rnd = new Random(seed);
            history.add(new TreeMap<>());
        }

        void go() {
            openWriter();
            openStandby();
            for (int step = 0; step < steps; step++) {
                int op = rnd.nextInt(100);
                if (op < 30) write(new WriteBatch().put(key(), value()));
                else if (op < 40) write(new WriteBatch().delete(key()));
                else if (op < 50) write(randomBatch());
                else if (op < 62) checkGet();
                else if (op < 70) checkScan();
                else if (op < 74) checkSnapshot();
                else if (op < 84) barrier();
                else if (op < 87) db.flushMemtable();
                else if (op < 90) reopenCleanly();
                else if (op < 95) crashAndRecover();
                else checkReader();
            }
            reopenCleanly();
            db.close();
            standby.close();
        }

        void openWriter() {
            process = TestStores.faulty(bucket, rnd.nextLong(), 0.02);
            db = LsmDb.openWriter(process, TestOptions.small(), epoch++);
        }

        void openStandby() {
            standbyProcess = TestStores.faulty(bucket, rnd.nextLong(), 0.02);
            standby = LsmDb.openReader(standbyProcess, TestOptions.small().withPollIntervalMs(3_600_000));
        }

        void write(WriteBatch batch) {
            db.write(batch);
            for (var op : batch.ops()) {
                String k = s(op.key());
                if (op.isDelete()) model.remove(k);
                else model.put(k, s(op.value()));
            }
            history.add(new TreeMap<>(model));
        }

        WriteBatch randomBatch() {
            var b = new WriteBatch();
            int n = 1 + rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (rnd.nextInt(4) == 0) b.delete(key());
                else b.put(key(), value());
            }
            return b;
        }

        void barrier() {
            db.barrier();
            acked = history.size() - 1;
        }

        void checkGet() {
            String k = s(key());
            assertEquals(model.get(k), db.get(b(k)).map(TestKv::s).orElse(null), "get " + k);
        }

        void checkScan() {
            int a = rnd.nextInt(KEYS), z = a + rnd.nextInt(KEYS - a + 1);
            String from = name(a), to = z >= KEYS ? null : name(z);
            var expected = to == null ? model.tailMap(from) : model.subMap(from, to);
            assertEquals(expected, toMap(db.scan(b(from), to == null ? null : b(to))), "scan " + from + ".." + to);
        }

        void checkSnapshot() {
            var frozen = new TreeMap<>(model);
            try (var snap = db.snapshot()) {
                for (int i = 0; i < 5; i++) write(new WriteBatch().put(key(), value()));
                db.flushMemtable();
                assertEquals(frozen, toMap(snap.scan(new byte[0], null)), "snapshot");
            }
        }

        void reopenCleanly() {
            barrier();
            db.close();
            acked = history.size() - 1;
            openWriter();
            assertEquals(model, toMap(db.scan(new byte[0], null)), "after clean reopen");
        }

        void crashAndRecover() {
            if (rnd.nextBoolean()) {
                process.crashAt(step -> true);
            } else {
                process.crashAtNth(1 + rnd.nextInt(12), step -> true);
                try {
                    for (int i = 0; i < 4; i++) {
                        write(new WriteBatch().put(key(), value()));
                        if (rnd.nextBoolean()) barrier();
                    }
                } catch (SimulatedCrash | StoreException | IllegalStateException e) {
                    // the process died under us; nothing more was acknowledged
                }
                process.crashAt(step -> true);
            }
            if (rnd.nextBoolean()) {
                standby.pollOnce();
                db = standby.promote(epoch++); // replays only what the standby had not applied
                process = standbyProcess;
                openStandby();
            } else {
                openWriter();
            }
            int k = matchingPrefix(toMap(db.scan(new byte[0], null)), "recovered state");
            model = new TreeMap<>(history.get(k));
            history.subList(k + 1, history.size()).clear();
            acked = k;
        }

        void checkReader() {
            try (var reader = LsmDb.openReader(bucket, TestOptions.small())) {
                matchingPrefix(toMap(reader.scan(new byte[0], null)), "fresh reader view");
            }
            standby.pollOnce();
            matchingPrefix(toMap(standby.scan(new byte[0], null)), "tailing standby view");
        }

        /** The index of a history state equal to {@code actual} at or after the last acknowledged one. */
        int matchingPrefix(Map<String, String> actual, String what) {
            for (int i = history.size() - 1; i >= acked; i--) if (history.get(i).equals(actual)) return i;
            fail(what + " matches no prefix of the writes that contains every acknowledged one (acked up to "
                    + acked + " of " + (history.size() - 1) + "): " + actual + "\nmodel: " + model);
            return -1;
        }

        byte[] key() {
            return b(name(rnd.nextInt(KEYS)));
        }

        byte[] value() {
            int len = rnd.nextInt(10) == 0 ? 256 + rnd.nextInt(600) : 1 + rnd.nextInt(20);
            var sb = new StringBuilder(len);
            for (int i = 0; i < len; i++) sb.append((char) ('a' + rnd.nextInt(26)));
            return b(sb.toString());
        }

        static String name(int i) {
            return String.format("key%03d", i);
        }

    }
}
