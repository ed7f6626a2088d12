package cairn.engine.lsm.value;

import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Resolves {@link ValuePointer}s to bytes: from a WAL buffer that is not yet durable (registered by the WAL
 * writer until its PUT succeeds), else from a bounded memory cache, else from the local disk cache, else with a
 * ranged GET of the segment object (then kept in both caches). Every value is checked against the pointer's
 * CRC32C after it is read; a disk copy that fails it is dropped and the value read from the store.
 */
public final class ValueStore {

    /** The bytes of a WAL object that is still being written. */
    public interface PendingSegment {
        byte[] read(int offset, int length);
    }

    private final ObjectStore store;
    private final RetryPolicy retry;
    private final LongFunction<String> segmentKey;
    private final ConcurrentHashMap<Long, PendingSegment> pending = new ConcurrentHashMap<>();
    private final Cache<ValuePointer, byte[]> cache;
    private final RangeCache disk;

    /** {@code disk}: the local cache consulted after the memory cache ({@link RangeCache#NONE}: none). */
    public ValueStore(ObjectStore store, RetryPolicy retry, LongFunction<String> segmentKey, long cacheBytesMax, RangeCache disk) {
        this.store = store;
        this.retry = retry;
        this.segmentKey = segmentKey;
        this.disk = disk;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(cacheBytesMax)
                .weigher((ValuePointer p, byte[] v) -> v.length + 64)
                .recordStats()
                .build();
    }

    /** Lookups of durable values in the memory cache (pending WAL buffers and primed values not counted). */
    public record Counters(long hits, long misses) {}

    public Counters cacheCounters() {
        var s = cache.stats();
        return new Counters(s.hitCount(), s.missCount());
    }

    public void registerPending(long walId, PendingSegment segment) {
        pending.put(walId, segment);
    }

    /** Called after the segment's PUT succeeded: later reads go to the cache or the store. */
    public void markDurable(long walId) {
        pending.remove(walId);
    }

    /** Primes the cache with a value read as part of a whole WAL object (replay, tailing). */
    public void prime(ValuePointer p, byte[] value) {
        cache.put(p, value);
    }

    public byte[] read(ValuePointer p) {
        PendingSegment seg = pending.get(p.walId());
        if (seg != null) return seg.read(p.offset(), p.length());
        return cache.get(p, this::load);
    }

    private byte[] load(ValuePointer p) {
        String key = segmentKey.apply(p.walId());
        byte[] local = disk.get(key, p.offset(), p.length());
        if (local != null) {
            if (matches(p, local)) return local;
            disk.drop(key, p.offset(), p.length()); // intact file, wrong bytes: e.g. a same-named object of an earlier volume
        }
        var obj = retry.call("read value from " + key, () -> store.getRange(key, p.offset(), p.length()))
                .orElseThrow(() -> new CorruptObjectException(key, "value segment is missing (pointer " + p + ")"));
        byte[] v = obj.data();
        if (!matches(p, v)) {
            throw new CorruptObjectException(key, "value at offset " + p.offset() + " fails its checksum");
        }
        disk.put(key, p.offset(), v);
        return v;
    }

    private static boolean matches(ValuePointer p, byte[] v) {
        return v.length == p.length() && ValuePointer.crc(v, 0, v.length) == p.crc32c();
    }
}
