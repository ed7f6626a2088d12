package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteredStoreTest {
    @Test
    void countsCallsOutcomesBytesAndErrors() {
        var registry = new SimpleMeterRegistry();
        var faulty = new FaultInjectingStore(new MemoryStore(), 1);
        var store = new MeteredStore(faulty, registry);

        store.put("a", new byte[100], Map.of());
        store.putIfAbsent("a", new byte[10], Map.of());
        store.get("a");
        store.get("missing");
        store.getRange("a", 0, 30);
        faulty.add(FaultRule.always(Fault.retryableError()).onOps(StoreOp.LIST).times(1));
        assertThrows(StoreException.class, () -> store.list("", null, 10));

        assertEquals(1, registry.timer("cairn.store.requests", "op", "put", "outcome", "ok").count());
        assertEquals(1, registry.timer("cairn.store.requests", "op", "put_if_absent", "outcome", "conflict").count());
        assertEquals(1, registry.timer("cairn.store.requests", "op", "get", "outcome", "ok").count());
        assertEquals(1, registry.timer("cairn.store.requests", "op", "get", "outcome", "not_found").count());
        assertEquals(1, registry.timer("cairn.store.requests", "op", "list", "outcome", "error").count());
        assertEquals(100.0, registry.counter("cairn.store.bytes", "op", "put", "direction", "out").count());
        assertEquals(10.0, registry.counter("cairn.store.bytes", "op", "put_if_absent", "direction", "out").count());
        assertEquals(100.0, registry.counter("cairn.store.bytes", "op", "get", "direction", "in").count());
        assertEquals(30.0, registry.counter("cairn.store.bytes", "op", "get_range", "direction", "in").count());
        assertEquals(1.0, registry.counter("cairn.store.errors", "op", "list", "type", "retryable").count());
    }
}
