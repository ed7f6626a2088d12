package cairn.engine.store;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Retries retryable failures under a {@link RetryPolicy} (deadline, jittered backoff, counter
 * {@code cairn.store.retries} tagged {@code op}). Answers (including "not found" and conflicts) and non-retryable
 * errors pass through at once.
 *
 * <p>Conditional writes carry a writer token ({@value #TOKEN}) in their metadata. A conditional write whose earlier
 * attempt failed ambiguously (timeout, lost reply) and whose retry then sees a conflict may have lost the race to
 * itself: a HEAD decides. If the stored object carries this call's token, the call won ({@code Written}), else it
 * lost. A token supplied by the caller is kept.
 */
public final class RetryingStore implements ObjectStore {
    /** User-metadata key of the writer token (lower case, as S3 returns metadata keys). */
    public static final String TOKEN = "cairn-token";

    private final ObjectStore inner;
    private final Map<StoreOp, RetryPolicy> policies = new EnumMap<>(StoreOp.class);

    public RetryingStore(ObjectStore inner, Duration deadline, MeterRegistry registry) {
        this.inner = inner;
        for (StoreOp op : StoreOp.values()) {
            var retries = registry.counter("cairn.store.retries", "op", op.tag());
            RetryPolicy d = RetryPolicy.defaults(retries::increment);
            policies.put(op, new RetryPolicy(deadline, d.initialBackoff(), d.maxBackoff(), retries::increment));
        }
    }

    /** One policy for every operation (tests). */
    public RetryingStore(ObjectStore inner, RetryPolicy policy) {
        this.inner = inner;
        for (StoreOp op : StoreOp.values()) policies.put(op, policy);
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return policies.get(StoreOp.GET).call("get " + key, () -> inner.get(key));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return policies.get(StoreOp.GET_RANGE).call("getRange " + key, () -> inner.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return policies.get(StoreOp.HEAD).call("head " + key, () -> inner.head(key));
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        return policies.get(StoreOp.PUT).call("put " + key, () -> inner.put(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        Map<String, String> md = withToken(metadata);
        return conditional(StoreOp.PUT_IF_ABSENT, key, md, () -> inner.putIfAbsent(key, data, md));
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        Map<String, String> md = withToken(metadata);
        return conditional(StoreOp.PUT_IF_MATCH, key, md, () -> inner.putIfMatch(key, data, md, etag));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return policies.get(StoreOp.LIST).call("list " + prefix, () -> inner.list(prefix, startAfter, maxKeys));
    }

    @Override
    public void delete(String key) {
        policies.get(StoreOp.DELETE).call("delete " + key, () -> {
            inner.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }

    private ConditionalPut conditional(StoreOp op, String key, Map<String, String> md,
                                       java.util.function.Supplier<ConditionalPut> attempt) {
        String token = md.get(TOKEN);
        boolean[] ambiguous = {false};
        return policies.get(op).call(op.tag() + " " + key, () -> {
            ConditionalPut result;
            try {
                result = attempt.get();
            } catch (StoreException e) {
                if (e.retryable()) ambiguous[0] = true;
                throw e;
            }
            if (result.written() || !ambiguous[0]) return result;
            // an earlier attempt may have landed: is the stored object ours?
            Optional<ObjectInfo> now = inner.head(key);
            return now.isPresent() && token.equals(now.get().metadata().get(TOKEN))
                    ? new ConditionalPut.Written(now.get()) : result;
        });
    }

    private static Map<String, String> withToken(Map<String, String> metadata) {
        if (metadata.containsKey(TOKEN)) return metadata;
        Map<String, String> md = new HashMap<>(metadata);
        md.put(TOKEN, UUID.randomUUID().toString());
        return Map.copyOf(md);
    }
}
