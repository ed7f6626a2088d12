package cairn.engine.store;

import java.util.Map;
import java.util.UUID;

/**
 * Start-up self-test: proves that a store honours create-if-absent before Cairn trusts it with a volume. Some
 * S3-compatible servers accept {@code If-None-Match: *} and silently ignore it; running on one would void every
 * fencing guarantee.
 */
public final class ConditionalWriteCheck {
    /** Scratch keys live under this prefix and are deleted after the check. */
    public static final String SCRATCH_PREFIX = ".cairn-selftest/";

    private ConditionalWriteCheck() {}

    /** Creates a scratch key twice; throws a non-retryable {@link StoreException} unless the second is refused. */
    public static void verify(ObjectStore store) {
        String key = SCRATCH_PREFIX + UUID.randomUUID();
        try {
            byte[] body = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (!store.putIfAbsent(key, body, Map.of()).written()) {
                throw new StoreException(store.describe() + ": create-if-absent of a fresh scratch key " + key
                        + " was refused; refusing to start", false);
            }
            if (store.putIfAbsent(key, body, Map.of()).written()) {
                throw new StoreException(store.describe() + ": store ignores If-None-Match (a second create-if-absent"
                        + " of " + key + " succeeded); refusing to start", false);
            }
        } finally {
            try {
                store.delete(key);
            } catch (StoreException e) {
                // a leftover scratch key is harmless; the verdict above is what matters
            }
        }
    }
}
