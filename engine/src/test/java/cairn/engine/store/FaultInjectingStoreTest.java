package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FaultInjectingStoreTest {
    private final MemoryStore memory = new MemoryStore();

    @Test
    void errorsHitOnlyTheSelectedOperationsAndKeys() {
        var store = new FaultInjectingStore(memory, 1);
        store.add(FaultRule.always(Fault.retryableError()).onOps(StoreOp.PUT).onKeys("wal/"));
        store.put("sst/1", new byte[1], Map.of());
        StoreException e = assertThrows(StoreException.class, () -> store.put("wal/1", new byte[1], Map.of()));
        assertTrue(e.retryable());
        assertTrue(memory.head("wal/1").isEmpty(), "the failed call must not reach the store");
        assertTrue(store.get("wal/1").isEmpty());
    }

    @Test
    void fatalErrorAndThrottle() {
        var store = new FaultInjectingStore(memory, 1);
        FaultRule fatal = store.add(FaultRule.always(Fault.fatalError()).onOps(StoreOp.GET));
        assertFalse(assertThrows(StoreException.class, () -> store.get("x")).retryable());
        store.remove(fatal);
        store.add(FaultRule.always(Fault.throttle()).onOps(StoreOp.LIST));
        StoreException t = assertThrows(StoreException.class, () -> store.list("", null, 10));
        assertTrue(t.retryable() && t.getMessage().contains("SlowDown"));
        store.clearFaults();
        assertTrue(store.list("", null, 10).objects().isEmpty());
    }

    @Test
    void replyLostAppliesTheWriteThenFails() {
        var store = new FaultInjectingStore(memory, 1);
        store.add(FaultRule.always(Fault.replyLost()).onOps(StoreOp.PUT_IF_ABSENT));
        assertTrue(assertThrows(StoreException.class,
                () -> store.putIfAbsent("m/1", new byte[] {7}, Map.of())).retryable());
        assertArrayEquals(new byte[] {7}, memory.get("m/1").orElseThrow().data());
    }

    @Test
    void sameSeedGivesSameFaults() {
        assertEquals(faultPattern(42), faultPattern(42));
        List<Boolean> p = faultPattern(42);
        assertTrue(p.contains(true) && p.contains(false), "probability 0.5 over 200 calls: " + p);
    }

    private static List<Boolean> faultPattern(long seed) {
        var store = new FaultInjectingStore(new MemoryStore(), seed);
        store.add(FaultRule.always(Fault.retryableError()).withProbability(0.5));
        List<Boolean> failed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            try {
                store.head("k");
                failed.add(false);
            } catch (StoreException e) {
                failed.add(true);
            }
        }
        return failed;
    }

    @Test
    void latencyDelaysTheCall() {
        var store = new FaultInjectingStore(memory, 1);
        store.add(FaultRule.always(Fault.latency(Duration.ofMillis(50), Duration.ofMillis(60))));
        long t0 = System.nanoTime();
        store.head("k");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void pauseBlocksCallsUntilResumed() throws Exception {
        var store = new FaultInjectingStore(memory, 1);
        store.pause();
        CompletableFuture<ObjectInfo> put = CompletableFuture.supplyAsync(() -> store.put("p", new byte[1], Map.of()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.callsBlocked() == 0) {
            assertTrue(System.nanoTime() < deadline, "call never blocked");
            Thread.onSpinWait();
        }
        assertFalse(put.isDone());
        assertTrue(memory.head("p").isEmpty());
        store.resume();
        put.get(10, TimeUnit.SECONDS);
        assertTrue(memory.head("p").isPresent());
    }

    @Test
    void crashAfterAWriteKeepsTheWriteAndKillsEveryLaterCall() {
        var store = new FaultInjectingStore(memory, 1);
        store.crashAt(s -> s.op() == StoreOp.PUT_IF_ABSENT && s.phase() == FaultInjectingStore.Phase.AFTER);
        store.put("a", new byte[1], Map.of());
        assertThrows(SimulatedCrash.class, () -> store.putIfAbsent("b", new byte[1], Map.of()));
        assertTrue(memory.head("b").isPresent(), "crash after the write: the write landed");
        assertTrue(store.crashed());
        assertThrows(SimulatedCrash.class, () -> store.get("a"));
    }

    @Test
    void crashBeforeTheNthWriteLosesIt() {
        var store = new FaultInjectingStore(memory, 1);
        store.crashAtNth(3, s -> s.op() == StoreOp.PUT && s.phase() == FaultInjectingStore.Phase.BEFORE);
        store.put("1", new byte[1], Map.of());
        store.put("2", new byte[1], Map.of());
        assertThrows(SimulatedCrash.class, () -> store.put("3", new byte[1], Map.of()));
        assertTrue(memory.head("3").isEmpty());
        assertEquals(2, memory.list("", null, 10).objects().size());
    }
}
