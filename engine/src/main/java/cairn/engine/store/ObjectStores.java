package cairn.engine.store;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens a store from its URL and wraps it for production use: {@code RetryingStore(MeteredStore(backend))}, so
 * metrics see every attempt and retries are counted separately.
 * <ul>
 *   <li>{@code file:///abs/dir} or {@code file://rel/dir}: {@link FileStore}</li>
 *   <li>{@code s3://bucket/prefix}: {@link S3Store}, after proving that the service honours If-None-Match</li>
 *   <li>{@code memory://name}: a {@link MemoryStore} shared by every open of the same name in this JVM</li>
 * </ul>
 */
public final class ObjectStores {
    public static final Duration RETRY_DEADLINE = Duration.ofSeconds(60);
    private static final Map<String, MemoryStore> MEMORY = new ConcurrentHashMap<>();

    private ObjectStores() {}

    public static ObjectStore open(String url, S3Settings aws, MeterRegistry registry) {
        return new RetryingStore(new MeteredStore(openBackend(url, aws), registry), RETRY_DEADLINE, registry);
    }

    /** The bare backend for {@code url}, without retries or metrics. */
    public static ObjectStore openBackend(String url, S3Settings aws) {
        int sep = url.indexOf("://");
        if (sep < 0) throw new IllegalArgumentException("store URL needs a scheme (file://, s3://, memory://): " + url);
        String scheme = url.substring(0, sep), rest = url.substring(sep + 3);
        return switch (scheme) {
            case "file" -> {
                if (rest.isEmpty()) throw new IllegalArgumentException("file:// needs a directory: " + url);
                yield new FileStore(Path.of(rest));
            }
            case "memory" -> new UnclosableStore(MEMORY.computeIfAbsent(rest, MemoryStore::new));
            case "s3" -> {
                String[] bucketAndPrefix = S3Store.parseUrl(url);
                S3Store s3 = new S3Store(aws == null ? S3Settings.defaults() : aws, bucketAndPrefix[0], bucketAndPrefix[1]);
                try {
                    s3.verifyConditionalWrites();
                } catch (RuntimeException e) {
                    s3.close();
                    throw e;
                }
                yield s3;
            }
            default -> throw new IllegalArgumentException("unknown store scheme '" + scheme + "' in " + url);
        };
    }

    /** A shared in-memory store must outlive the close of one of its users. */
    private static final class UnclosableStore extends ForwardingStore {
        UnclosableStore(MemoryStore store) {
            super(store);
        }

        @Override
        public void close() {}
    }
}
