package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EpochLedgerTest {

    @Test
    void racingClaimsProduceDenseUniqueEpochs() throws Exception {
        var store = new MemoryStore();
        int threads = 16, rounds = 25;
        var won = new ConcurrentLinkedQueue<EpochRecord>();
        var start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String node = "n" + t;
            // each thread has its own ledger, like a separate process
            var ledger = new EpochLedger(store);
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < rounds; r++) ledger.claimNext(node, "addr-" + node, r).ifPresent(won::add);
            }));
        }
        start.countDown();
        for (Thread t : ts) t.join();
        var epochs = won.stream().map(EpochRecord::epoch).sorted().toList();
        assertEquals(epochs.stream().distinct().count(), epochs.size(), "an epoch was claimed twice");
        for (int i = 0; i < epochs.size(); i++) assertEquals(i + 1, epochs.get(i), "epochs are dense");
        var fresh = new EpochLedger(store);
        assertEquals(epochs.size(), fresh.latestEpoch());
        EpochRecord latest = fresh.latest().orElseThrow();
        assertEquals(won.stream().filter(r -> r.epoch() == latest.epoch()).findFirst().orElseThrow(), latest);
    }

    @Test
    void freshBucketHasNoEpoch() {
        var ledger = new EpochLedger(new MemoryStore());
        assertEquals(0, ledger.latestEpoch());
        assertTrue(ledger.latest().isEmpty());
        assertEquals(1, ledger.claimNext("a", "127.0.0.1:2049", 7).orElseThrow().epoch());
    }

    @Test
    void corruptEpochObjectIsAClearErrorNamingTheObject() {
        var store = new MemoryStore();
        var ledger = new EpochLedger(store);
        ledger.claimNext("a", "x", 1);
        byte[] bytes = store.get(EpochLedger.key(1)).orElseThrow().data();
        bytes[bytes.length - 6] ^= 1;
        store.put(EpochLedger.key(1), bytes, Map.of());
        var e = assertThrows(IllegalStateException.class, () -> new EpochLedger(store).latest());
        assertTrue(e.getMessage().contains("epoch/00000000000000000001"), e.getMessage());
    }

    @Test
    void recordRoundTrips() {
        var r = new EpochRecord(42, "node-ü", "10.0.0.1:2049", 9, 123456789L);
        assertEquals(r, EpochRecord.decode("k", r.encode()));
    }
}
