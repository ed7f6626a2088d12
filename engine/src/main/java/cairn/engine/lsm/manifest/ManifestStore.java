package cairn.engine.lsm.manifest;

import cairn.engine.lsm.FencedException;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.gc.GcBoundary;
import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Manifest versions {@code manifest/<20-digit id>}: dense ids, each committed by create-if-absent and then
 * checked against the {@link GcBoundary} (a create at or below the boundary is void: the slot may have been
 * deleted and re-created by a stalled process).
 *
 * <p>Finding the latest: one LIST starting at the last id this process saw, take the highest, GET it; a GET
 * that misses (deleted between LIST and GET: it was no longer the latest) lists again.
 */
public final class ManifestStore {
    public static final String PREFIX = "manifest/";
    private static final int LIST_RETRIES_MAX = 16;

    /** Derives the next version (to be stored as {@code newId}) from the latest one. */
    @FunctionalInterface
    public interface Change {
        Manifest apply(long newId, Manifest base);
    }

    /** Outcome of a create: committed, or the slot was taken (or voided by the GC boundary). */
    public enum CreateResult { CREATED, CONFLICT }

    private final ObjectStore store;
    private final RetryPolicy retry;
    private final GcBoundary boundary;
    private volatile long cachedId;

    public ManifestStore(ObjectStore store, RetryPolicy retry) {
        this.store = store;
        this.retry = retry;
        this.boundary = new GcBoundary(store, retry);
    }

    public static String key(long id) {
        return PREFIX + String.format("%020d", id);
    }

    public GcBoundary boundary() {
        return boundary;
    }

    public Optional<StoredManifest> readLatest() {
        for (int attempt = 0; attempt < LIST_RETRIES_MAX; attempt++) {
            long from = attempt == 0 ? cachedId : 0;
            long latest = highestIdFrom(from);
            if (latest == 0) return Optional.empty();
            Optional<StoredManifest> m = read(latest);
            if (m.isPresent()) {
                cachedId = Math.max(cachedId, latest);
                return m;
            }
        }
        throw new IllegalStateException("latest manifest kept vanishing between LIST and GET in " + store.describe());
    }

    public Optional<StoredManifest> read(long id) {
        String key = key(id);
        return retry.call("get " + key, () -> store.get(key)).map(o -> new StoredManifest(id, ManifestCodec.decode(key, o.data())));
    }

    /** Create-if-absent of version {@code id}, then the boundary check. An own earlier attempt counts as created. */
    public CreateResult create(long id, Manifest m) {
        String key = key(id);
        byte[] bytes = ManifestCodec.encode(m);
        ObjectFrame.verify(key, bytes, ObjectFrame.MAGIC_MANIFEST, m.epoch());
        ConditionalPut r = retry.call("create " + key, () -> store.putIfAbsent(key, bytes, Map.of("cairn-epoch", Long.toString(m.epoch()))));
        if (r instanceof ConditionalPut.Conflict) {
            var existing = retry.call("get " + key, () -> store.get(key));
            if (existing.isEmpty() || !Arrays.equals(existing.get().data(), bytes)) return CreateResult.CONFLICT;
        }
        if (id <= boundary.latest()) return CreateResult.CONFLICT;
        cachedId = Math.max(cachedId, id);
        return CreateResult.CREATED;
    }

    /**
     * Applies {@code change} to the latest version and commits it as the next one, retrying on conflicts until the
     * retry deadline. Throws {@link FencedException} as soon as a newer epoch owns the manifest.
     */
    public StoredManifest update(long epoch, Change change) {
        long deadlineNs = System.nanoTime() + retry.deadline().toNanos();
        long backoffMs = Math.max(1, retry.initialBackoff().toMillis());
        for (int conflicts = 0; ; ) {
            StoredManifest latest = readLatest().orElseThrow(() -> new IllegalStateException("no manifest in " + store.describe()));
            long theirs = latest.manifest().epoch();
            if (theirs > epoch) throw new FencedException(epoch, theirs, "manifest " + latest.id() + " has a newer writer epoch");
            if (theirs < epoch) throw new IllegalStateException("manifest " + latest.id() + " has epoch " + theirs + " below own " + epoch);
            // the deadline is checked only after re-reading, so a conflict caused by a newer epoch reports Fenced
            if (conflicts > 0 && System.nanoTime() > deadlineNs) {
                throw new IllegalStateException("manifest update kept conflicting until the deadline (" + conflicts + " conflicts)");
            }
            Manifest next = change.apply(latest.id() + 1, latest.manifest()).withWrittenAtMs(System.currentTimeMillis());
            if (create(latest.id() + 1, next) == CreateResult.CREATED) return new StoredManifest(latest.id() + 1, next);
            conflicts++;
            sleepMs(ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1, backoffMs + 1));
            backoffMs = Math.min(retry.maxBackoff().toMillis(), backoffMs * 2);
        }
    }

    /** Every manifest id present, ascending (GC only). */
    public java.util.List<Long> listIds() {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        String after = null;
        while (true) {
            final String from = after;
            var page = retry.call("list " + PREFIX, () -> store.list(PREFIX, from, 1000));
            for (ObjectInfo o : page.objects()) {
                long id = parse(o.key());
                if (id > 0) ids.add(id);
            }
            if (!page.truncated()) return ids;
            after = page.lastKey();
        }
    }

    private long highestIdFrom(long fromId) {
        long best = 0;
        String after = fromId <= 1 ? null : key(fromId - 1);
        while (true) {
            final String a = after;
            var page = retry.call("list " + PREFIX, () -> store.list(PREFIX, a, 1000));
            for (ObjectInfo o : page.objects()) best = Math.max(best, parse(o.key()));
            if (!page.truncated()) break;
            after = page.lastKey();
        }
        if (best == 0 && fromId > 1) return highestIdFrom(0);
        return best;
    }

    private static long parse(String key) {
        if (!key.startsWith(PREFIX) || key.length() != PREFIX.length() + 20) return 0;
        try {
            return Long.parseLong(key.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
