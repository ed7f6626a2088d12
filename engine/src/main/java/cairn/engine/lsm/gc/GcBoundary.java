package cairn.engine.lsm.gc;

import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;

/**
 * The manifest GC boundary: sequenced objects {@code gc/boundary/<20-digit id>}, created with create-if-absent.
 * The boundary is the highest id present: manifest slots at or below it may have been deleted, so a manifest
 * created there is void. GC advances the boundary before it deletes; every manifest writer checks it after
 * every create. Boundaries only grow (the highest name wins), so no If-Match is needed, and a stale process
 * re-creating an old, deleted boundary object changes nothing.
 */
public final class GcBoundary {
    public static final String PREFIX = "gc/boundary/";

    private final ObjectStore store;
    private final RetryPolicy retry;
    private volatile long cached;

    public GcBoundary(ObjectStore store, RetryPolicy retry) {
        this.store = store;
        this.retry = retry;
    }

    public static String key(long id) {
        return PREFIX + String.format("%020d", id);
    }

    /** The current boundary (0 when GC never ran): one LIST after the last boundary seen. */
    public long latest() {
        long best = cached;
        String after = best == 0 ? null : key(best);
        while (true) {
            final String from = after;
            var page = retry.call("list " + PREFIX, () -> store.list(PREFIX, from, 1000));
            for (ObjectInfo o : page.objects()) best = Math.max(best, parse(o.key()));
            if (!page.truncated()) break;
            after = page.lastKey();
        }
        cached = best;
        return best;
    }

    /** Makes the boundary at least {@code id}; written before GC deletes any manifest at or below it. */
    public void advance(long id, long epoch) {
        if (id <= latest()) return;
        byte[] bytes = ObjectFrame.encode(ObjectFrame.MAGIC_GC_BOUNDARY, epoch, new BinaryWriter(8).u64(id).toByteArray());
        retry.call("create " + key(id), () -> store.putIfAbsent(key(id), bytes, java.util.Map.of()));
        latest();
    }

    /** Deletes boundary objects below the current one (they no longer decide anything). */
    public void pruneOld() {
        long current = latest();
        var page = retry.call("list " + PREFIX, () -> store.list(PREFIX, null, 1000));
        for (ObjectInfo o : page.objects()) {
            if (parse(o.key()) < current) retry.call("delete " + o.key(), () -> {
                store.delete(o.key());
                return null;
            });
        }
    }

    private static long parse(String key) {
        try {
            return Long.parseLong(key.substring(PREFIX.length()));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
