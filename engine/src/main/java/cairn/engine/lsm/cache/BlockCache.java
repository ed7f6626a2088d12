package cairn.engine.lsm.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;

/**
 * In-memory cache of decoded blocks, split in two budgets so that scans of data can never push out metadata:
 * {@code data} (data blocks, WAL value ranges) and {@code metadata} (SST indexes and bloom filters). Both are
 * weighted by bytes. Values are {@code byte[]} or {@link Sized}. Open SST readers additionally hold their own
 * index and filter, so metadata of an open SST is never re-read while it is open; this cache saves the GETs
 * when a reader is re-opened.
 *
 * <p>Loaders run outside Caffeine's compute lock (a load is a GET that may take tens of milliseconds); two
 * threads missing the same key at once may both load it, which is harmless for immutable objects.
 */
public final class BlockCache {
    private final Cache<RangeKey, Object> data;
    private final Cache<RangeKey, Object> metadata;

    public BlockCache(long dataBytesMax, long metadataBytesMax) {
        data = build(dataBytesMax);
        metadata = build(metadataBytesMax);
    }

    private static Cache<RangeKey, Object> build(long bytesMax) {
        return Caffeine.newBuilder()
                .maximumWeight(bytesMax)
                .weigher((RangeKey k, Object v) -> 64 + k.objectKey().length() + weight(v))
                .recordStats()
                .build();
    }

    private static int weight(Object v) {
        return switch (v) {
            case byte[] b -> b.length;
            case Sized s -> s.sizeBytes();
            default -> throw new IllegalArgumentException("uncacheable value " + v.getClass());
        };
    }

    public <T> T data(RangeKey key, Function<RangeKey, T> loader) {
        return get(data, key, loader, true);
    }

    /** Like {@link #data(RangeKey, Function)}; with {@code fill} false a miss is loaded but not inserted (scans). */
    public <T> T data(RangeKey key, Function<RangeKey, T> loader, boolean fill) {
        return get(data, key, loader, fill);
    }

    public <T> T metadata(RangeKey key, Function<RangeKey, T> loader) {
        return get(metadata, key, loader, true);
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Cache<RangeKey, Object> cache, RangeKey key, Function<RangeKey, T> loader, boolean fill) {
        Object v = cache.getIfPresent(key);
        if (v != null) return (T) v;
        T loaded = loader.apply(key);
        if (fill) cache.put(key, loaded);
        return loaded;
    }

    /** Drops every cached range of the given objects (e.g. SSTs removed by compaction). */
    public void invalidate(java.util.Collection<String> objectKeys) {
        var set = java.util.Set.copyOf(objectKeys);
        data.asMap().keySet().removeIf(k -> set.contains(k.objectKey()));
        metadata.asMap().keySet().removeIf(k -> set.contains(k.objectKey()));
    }

    public Counters counters() {
        var d = data.stats();
        var m = metadata.stats();
        return new Counters(d.hitCount(), d.missCount(), m.hitCount(), m.missCount(),
                data.policy().eviction().orElseThrow().weightedSize().orElse(0),
                metadata.policy().eviction().orElseThrow().weightedSize().orElse(0));
    }

    /** Hit/miss counts and current weights (bytes) of both halves. */
    public record Counters(long dataHits, long dataMisses, long metadataHits, long metadataMisses,
                           long dataBytes, long metadataBytes) {}

    /** Runs pending evictions now (tests and metrics). */
    public void cleanUp() {
        data.cleanUp();
        metadata.cleanUp();
    }
}
