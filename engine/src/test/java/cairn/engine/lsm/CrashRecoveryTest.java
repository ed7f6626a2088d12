package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.contents;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.SimulatedCrash;
import cairn.engine.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Crash at every store step (before and after each call) of a writer's life (open, fence, replay, writes, WAL PUTs, memtable flush, manifest
 * commit, checkpoint, close), then recovery by a new writer at a higher epoch. Oracle: the recovered state is the
 * state after a prefix of the writes that contains every write acknowledged by a barrier.
 */
class CrashRecoveryTest {

    /** The scenario run by the crashing writer (epoch 2) on top of a clean base written by epoch 1. */
    private static final class Scenario {
        final List<TreeMap<String, String>> history = new ArrayList<>();
        TreeMap<String, String> model;
        int acked;

        Scenario(TreeMap<String, String> base) {
            model = new TreeMap<>(base);
            history.add(new TreeMap<>(model));
        }

        void run(LsmDb db) {
            for (int i = 0; i < 24; i++) {
                String k = "k" + (i % 7);
                String v = i % 5 == 0 ? "L".repeat(300) + i : "v" + i;
                if (i % 6 == 5) {
                    db.delete(b(k));
                    model.remove(k);
                } else {
                    db.put(b(k), b(v));
                    model.put(k, v);
                }
                history.add(new TreeMap<>(model));
                if (i % 4 == 3) {
                    db.barrier();
                    acked = history.size() - 1;
                }
                if (i == 11) db.flushMemtable();
                if (i == 17) db.createCheckpoint("cp", 0);
            }
            db.close();
            acked = history.size() - 1;
        }
    }

    @Test
    void crashAtEveryStoreCallRecoversAnAcknowledgedPrefix() {
        int total = 2 * countCalls(); // a step before and a step after every call
        assertTrue(total > 40, "scenario makes " + total + " store steps");
        for (int n = 1; n <= total; n++) {
            var bucket = new MemoryStore();
            TreeMap<String, String> base = writeBase(bucket);
            var process = new FaultInjectingStore(bucket, n);
            process.crashAtNth(n, step -> true);
            var scenario = new Scenario(base);
            try {
                scenario.run(LsmDb.openWriter(process, TestOptions.small(), 2));
            } catch (SimulatedCrash | StoreException | IllegalStateException e) {
                // died at step n
            }
            process.crashAt(step -> true);
            try (var recovered = LsmDb.openWriter(bucket, TestOptions.small(), 3)) {
                var actual = contents(recovered);
                boolean ok = false;
                for (int i = scenario.acked; i < scenario.history.size() && !ok; i++) ok = scenario.history.get(i).equals(actual);
                assertTrue(ok, "crash at step " + n + ": recovered " + actual + " is no prefix containing the "
                        + scenario.acked + " acknowledged writes");
                recovered.put(b("after"), b("recovery"));
                recovered.barrier();
            }
        }
    }

    private static int countCalls() {
        var bucket = new MemoryStore();
        var base = writeBase(bucket);
        var counting = new FaultInjectingStore(bucket, 0);
        new Scenario(base).run(LsmDb.openWriter(counting, TestOptions.small(), 2));
        return (int) counting.calls();
    }

    private static TreeMap<String, String> writeBase(MemoryStore bucket) {
        var base = new TreeMap<String, String>();
        try (var db = LsmDb.openWriter(bucket, TestOptions.small(), 1)) {
            for (int i = 0; i < 5; i++) {
                db.put(b("k" + i), b("base" + i));
                base.put("k" + i, "base" + i);
            }
            db.barrier();
        }
        return base;
    }
}
