package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static cairn.engine.lsm.TestKv.s;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReaderTest {

    /** Waits for a condition with a deadline (no sleeps as synchronisation). */
    static void await(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // poll the condition, do not spin
        }
    }

    @Test
    void readerFollowsFlushesAndReportsLag() throws Exception {
        var bucket = new MemoryStore();
        var opts = TestOptions.small();
        try (var writer = LsmDb.openWriter(bucket, opts, 1); var reader = LsmDb.openReader(bucket, opts)) {
            for (int i = 0; i < 400; i++) writer.put(b(String.format("k%04d", i)), b("v" + i));
            writer.barrier();
            writer.flushMemtable();
            writer.put(b("tail"), b("t"));
            writer.barrier();
            await("reader catches up", () -> reader.get(b("tail")).isPresent());
            assertEquals("v123", s(reader.get(b("k0123")).orElseThrow()));
            assertEquals(0, reader.lagBehindWriter().walObjectsBehind());
            assertEquals(1, reader.epoch());
        }
    }

    @Test
    void readerOpenedOnAnEmptyBucketSeesTheFirstWriter() throws Exception {
        var bucket = new MemoryStore();
        var opts = TestOptions.small();
        try (var reader = LsmDb.openReader(bucket, opts)) {
            assertTrue(reader.get(b("a")).isEmpty());
            try (var writer = LsmDb.openWriter(bucket, opts, 1)) {
                writer.put(b("a"), b("1"));
                writer.barrier();
                await("reader sees the first write", () -> reader.get(b("a")).isPresent());
            }
        }
    }

    @Test
    void lagCountsUnappliedWalObjects() {
        var bucket = new MemoryStore();
        var opts = TestOptions.small();
        try (var writer = LsmDb.openWriter(bucket, opts, 1);
             var reader = LsmDb.openReader(bucket, opts.withPollIntervalMs(3_600_000))) {
            for (int i = 0; i < 3; i++) {
                writer.put(b("k" + i), b("v"));
                writer.barrier();
            }
            var lag = reader.lagBehindWriter();
            assertEquals(3, lag.walObjectsBehind());
            reader.pollOnce();
            assertEquals(0, reader.lagBehindWriter().walObjectsBehind());
        }
    }

    @Test
    void readerNeverSeesHalfABatch() throws Exception {
        var bucket = new MemoryStore();
        var opts = TestOptions.small().withFlushIntervalMs(1);
        AtomicBoolean stop = new AtomicBoolean();
        try (var writer = LsmDb.openWriter(bucket, opts, 1);
             var reader = LsmDb.openReader(bucket, opts.withPollIntervalMs(1));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> w = pool.submit(() -> {
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    writer.write(new WriteBatch().put(b("x"), b("" + i)).put(b("y"), b("" + i)));
                }
                writer.barrier();
                return null;
            });
            int checks = 0;
            while (!w.isDone() || checks < 50) {
                try (var snap = reader.snapshot()) {
                    var x = snap.get(b("x")).map(TestKv::s);
                    var y = snap.get(b("y")).map(TestKv::s);
                    assertEquals(x, y, "both keys of a batch, or neither");
                }
                checks++;
            }
            w.get(10, TimeUnit.SECONDS);
            await("reader sees the last batch", () -> reader.get(b("y")).map(TestKv::s).orElse("").equals("1999"));
        } finally {
            stop.set(true);
        }
    }
}
