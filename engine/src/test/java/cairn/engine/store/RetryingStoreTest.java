package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingStoreTest {
    private final MemoryStore memory = new MemoryStore();
    private final FaultInjectingStore faulty = new FaultInjectingStore(memory, 7);
    private final AtomicInteger retries = new AtomicInteger();

    private RetryingStore retrying(Duration deadline) {
        return new RetryingStore(faulty, new RetryPolicy(deadline, Duration.ofMillis(1), Duration.ofMillis(5),
                retries::incrementAndGet));
    }

    @Test
    void retryableErrorsAreRetriedUntilSuccess() {
        faulty.add(FaultRule.always(Fault.retryableError()).withProbability(0.7));
        var store = retrying(Duration.ofSeconds(30));
        for (int i = 0; i < 20; i++) store.put("k" + i, new byte[] {(byte) i}, Map.of());
        assertEquals(20, memory.list("", null, 100).objects().size());
        assertTrue(retries.get() > 0);
    }

    @Test
    void deadlineIsRespected() {
        faulty.add(FaultRule.always(Fault.throttle()));
        var store = retrying(Duration.ofMillis(200));
        long t0 = System.nanoTime();
        StoreException e = assertThrows(StoreException.class, () -> store.get("k"));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(e.retryable(), "giving up is final");
        assertTrue(e.getMessage().contains("gave up"), e.getMessage());
        assertTrue(elapsedMs >= 200 && elapsedMs < 5_000, "elapsed " + elapsedMs + " ms");
    }

    @Test
    void nonRetryableErrorsPassThroughAtOnce() {
        faulty.add(FaultRule.always(Fault.fatalError()));
        var store = retrying(Duration.ofSeconds(30));
        assertThrows(StoreException.class, () -> store.head("k"));
        assertEquals(1, faulty.calls());
        assertEquals(0, retries.get());
    }

    @Test
    void notFoundIsAnAnswerAndNotRetried() {
        var store = retrying(Duration.ofSeconds(30));
        assertTrue(store.get("missing").isEmpty());
        assertTrue(store.head("missing").isEmpty());
        assertEquals(2, faulty.calls());
        assertEquals(0, retries.get());
    }

    @Test
    void lostReplyOfOwnCreateIsResolvedAsWrittenByTheToken() {
        // the first attempt lands but loses its reply; the retry sees a conflict and the HEAD shows our token
        faulty.add(FaultRule.always(Fault.replyLost()).onOps(StoreOp.PUT_IF_ABSENT).times(1));
        var result = retrying(Duration.ofSeconds(30)).putIfAbsent("manifest/1", new byte[] {1}, Map.of());
        assertInstanceOf(ConditionalPut.Written.class, result);
        assertEquals(1, retries.get());
        assertTrue(memory.head("manifest/1").orElseThrow().metadata().containsKey(RetryingStore.TOKEN));
    }

    @Test
    void lostReplyOfOwnCompareAndSwapIsResolvedAsWritten() {
        ObjectInfo v1 = memory.put("lease", new byte[] {1}, Map.of());
        faulty.add(FaultRule.always(Fault.replyLost()).onOps(StoreOp.PUT_IF_MATCH).times(1));
        var result = retrying(Duration.ofSeconds(30)).putIfMatch("lease", new byte[] {2}, Map.of(), v1.etag());
        assertInstanceOf(ConditionalPut.Written.class, result);
        assertEquals(2, memory.get("lease").orElseThrow().data()[0]);
    }

    @Test
    void lostReplyWhenSomeoneElseWonIsAConflict() {
        memory.putIfAbsent("manifest/1", new byte[] {9}, Map.of(RetryingStore.TOKEN, "other-writer"));
        faulty.add(FaultRule.always(Fault.retryableError()).onOps(StoreOp.PUT_IF_ABSENT).withProbability(0.5));
        var store = retrying(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(ConditionalPut.Conflict.class, store.putIfAbsent("manifest/1", new byte[] {1}, Map.of()));
        }
    }

    @Test
    void registryConstructorCountsRetriesPerOperation() {
        var registry = new SimpleMeterRegistry();
        faulty.add(FaultRule.always(Fault.retryableError()).onOps(StoreOp.HEAD).times(1));
        var store = new RetryingStore(faulty, Duration.ofSeconds(10), registry);
        assertTrue(store.head("k").isEmpty());
        assertEquals(1.0, registry.counter("cairn.store.retries", "op", "head").count());
    }
}
