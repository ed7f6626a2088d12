package cairn.engine.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Micrometer metrics for every store call (Prometheus names in brackets):
 * <ul>
 *   <li>{@code cairn.store.requests} timer with a histogram, tags {@code op} and {@code outcome} = ok | not_found |
 *       conflict | error [cairn_store_requests_seconds_*]</li>
 *   <li>{@code cairn.store.bytes} counter, tags {@code op} and {@code direction} = in (read from the store) | out
 *       (written) [cairn_store_bytes_total]</li>
 *   <li>{@code cairn.store.errors} counter, tags {@code op} and {@code type} = retryable | fatal
 *       [cairn_store_errors_total]</li>
 * </ul>
 */
public final class MeteredStore implements ObjectStore {
    private final ObjectStore inner;
    private final MeterRegistry registry;
    private final Map<StoreOp, Counter> bytesIn = new EnumMap<>(StoreOp.class);
    private final Map<StoreOp, Counter> bytesOut = new EnumMap<>(StoreOp.class);
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    public MeteredStore(ObjectStore inner, MeterRegistry registry) {
        this.inner = inner;
        this.registry = registry;
        for (StoreOp op : StoreOp.values()) {
            bytesIn.put(op, registry.counter("cairn.store.bytes", "op", op.tag(), "direction", "in"));
            bytesOut.put(op, registry.counter("cairn.store.bytes", "op", op.tag(), "direction", "out"));
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return read(StoreOp.GET, () -> inner.get(key));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return read(StoreOp.GET_RANGE, () -> inner.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return timed(StoreOp.HEAD, () -> inner.head(key), r -> r.isPresent() ? "ok" : "not_found");
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        bytesOut.get(StoreOp.PUT).increment(data.length);
        return timed(StoreOp.PUT, () -> inner.put(key, data, metadata), r -> "ok");
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        bytesOut.get(StoreOp.PUT_IF_ABSENT).increment(data.length);
        return timed(StoreOp.PUT_IF_ABSENT, () -> inner.putIfAbsent(key, data, metadata), MeteredStore::outcome);
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        bytesOut.get(StoreOp.PUT_IF_MATCH).increment(data.length);
        return timed(StoreOp.PUT_IF_MATCH, () -> inner.putIfMatch(key, data, metadata, etag), MeteredStore::outcome);
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return timed(StoreOp.LIST, () -> inner.list(prefix, startAfter, maxKeys), r -> "ok");
    }

    @Override
    public void delete(String key) {
        timed(StoreOp.DELETE, () -> {
            inner.delete(key);
            return Boolean.TRUE;
        }, r -> "ok");
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }

    private Optional<StoredObject> read(StoreOp op, Supplier<Optional<StoredObject>> body) {
        Optional<StoredObject> r = timed(op, body, o -> o.isPresent() ? "ok" : "not_found");
        r.ifPresent(o -> bytesIn.get(op).increment(o.data().length));
        return r;
    }

    private static String outcome(ConditionalPut p) {
        return p.written() ? "ok" : "conflict";
    }

    private <T> T timed(StoreOp op, Supplier<T> body, Function<T, String> outcome) {
        long t0 = System.nanoTime();
        try {
            T r = body.get();
            timer(op, outcome.apply(r)).record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            return r;
        } catch (StoreException e) {
            timer(op, "error").record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            String type = e.retryable() ? "retryable" : "fatal";
            errors.computeIfAbsent(op.tag() + type,
                    k -> registry.counter("cairn.store.errors", "op", op.tag(), "type", type)).increment();
            throw e;
        }
    }

    private Timer timer(StoreOp op, String outcome) {
        return timers.computeIfAbsent(op.tag() + outcome, k -> Timer.builder("cairn.store.requests")
                .description("object store calls")
                .tags("op", op.tag(), "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }
}
