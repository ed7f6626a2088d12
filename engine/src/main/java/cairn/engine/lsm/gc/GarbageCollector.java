package cairn.engine.lsm.gc;

import cairn.engine.lsm.LsmOptions;
import cairn.engine.lsm.cache.RangeCache;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.segment.SegmentNames;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deletes objects nothing can reach any more, and only after they have been unreachable for {@code gcGraceMs}
 * as observed by this collector (so a freshly started collector deletes nothing for one grace period).
 *
 * <p>Roots: the latest manifest, every unexpired checkpoint's manifest, every unexpired reader lease's manifest.
 * <ul>
 *   <li>Manifests: ids below the latest id that was already latest one grace ago, except roots. The GC
 *       boundary is advanced past them <em>before</em> any is deleted, and they are deleted in ascending order.</li>
 *   <li>WAL objects: at or below every root's {@code replayAfterWalId} (as it was one grace ago); never a fence
 *       (header-only object), never a segment listed by a root, and seen unlisted by this collector for a whole
 *       grace period (a segment the latest manifest just dropped may still be read through an older state).</li>
 *   <li>SSTs and repacked segments ({@code seg/}): not referenced by any root, not being written by this process,
 *       and seen unreferenced by this collector for a whole grace period.</li>
 * </ul>
 */
public final class GarbageCollector {

    public record Report(int manifestsDeleted, int walDeleted, int sstsDeleted, int segmentsDeleted) {
        public int total() {
            return manifestsDeleted + walDeleted + sstsDeleted + segmentsDeleted;
        }
    }

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final RetryPolicy retry;
    private final long graceMs;
    private final long epoch;
    /** Keys of SSTs and repacked segments this process is writing and has not committed yet. */
    private final Set<String> sstsInFlight;
    private final RangeCache diskCache;
    /** Observation time -> (latest manifest id, lowest replay point of the roots) at that time. */
    private final TreeMap<Long, long[]> observed = new TreeMap<>();
    private final Map<String, Long> unreferencedSinceMs = new HashMap<>();

    public GarbageCollector(ObjectStore store, ManifestStore manifests, LsmOptions options, long epoch, Set<String> sstsInFlight) {
        this.store = store;
        this.manifests = manifests;
        this.retry = options.retry();
        this.graceMs = options.gcGraceMs();
        this.epoch = epoch;
        this.sstsInFlight = sstsInFlight;
        this.diskCache = options.diskRanges();
    }

    public synchronized Report run(long nowMs) {
        // Order matters: an SST listed here was registered in flight before its PUT, and leaves that set only
        // after the manifest referencing it is committed; so it is in the copy or in the latest manifest read next.
        // Repacked segments likewise: registered before their PUT, released after the commit that lists them.
        List<String> candidates = listKeys("sst/");
        candidates.addAll(listKeys(SegmentNames.PREFIX));
        Set<String> live = new HashSet<>(sstsInFlight);
        StoredManifest latest = manifests.readLatest().orElse(null);
        if (latest == null) return new Report(0, 0, 0, 0);
        List<StoredManifest> roots = roots(latest, nowMs);
        long replayFloor = Long.MAX_VALUE;
        Set<Long> segments = new HashSet<>();
        Set<Long> rootIds = new HashSet<>();
        for (StoredManifest r : roots) {
            rootIds.add(r.id());
            replayFloor = Math.min(replayFloor, r.manifest().replayAfterWalId());
            segments.addAll(r.manifest().segmentIds());
            for (SstHandle h : r.manifest().allSsts()) live.add(h.objectKey());
        }
        for (long id : segments) live.add(SegmentNames.key(id));
        observed.put(nowMs, new long[] {latest.id(), replayFloor});
        var old = observed.floorEntry(nowMs - graceMs);
        observed.headMap(old == null ? Long.MIN_VALUE : old.getKey(), false).clear();
        int m = 0;
        if (old != null) {
            m = deleteManifests(old.getValue()[0], rootIds);
            candidates.addAll(walBelow(old.getValue()[1]));
        }
        List<String> deleted = deleteUnreferenced(candidates, live, nowMs);
        diskCache.invalidate(deleted); // a reader elsewhere drops them by age
        int w = 0, s = 0, g = 0;
        for (String key : deleted) {
            if (key.startsWith(WalNames.PREFIX)) w++;
            else if (key.startsWith(SegmentNames.PREFIX)) g++;
            else s++;
        }
        return new Report(m, w, s, g);
    }

    private List<StoredManifest> roots(StoredManifest latest, long nowMs) {
        List<StoredManifest> roots = new ArrayList<>();
        roots.add(latest);
        Set<Long> ids = new HashSet<>();
        for (Checkpoint c : latest.manifest().checkpoints()) if (c.expiresAtMs() == 0 || c.expiresAtMs() > nowMs) ids.add(c.manifestId());
        for (ReaderLease l : ReaderLease.list(store, retry)) {
            if (l.expiresAtMs() > nowMs) ids.add(l.manifestId());
            else if (l.expiresAtMs() + graceMs < nowMs) l.delete(store, retry);
        }
        ids.remove(latest.id());
        for (long id : ids) manifests.read(id).ifPresent(roots::add);
        return roots;
    }

    /** Deletes manifests below {@code latestOneGraceAgo} except roots, after advancing the boundary. */
    private int deleteManifests(long latestOneGraceAgo, Set<Long> rootIds) {
        List<Long> doomed = new ArrayList<>();
        for (long id : manifests.listIds()) if (id < latestOneGraceAgo && !rootIds.contains(id)) doomed.add(id);
        if (doomed.isEmpty()) return 0;
        manifests.boundary().advance(latestOneGraceAgo - 1, epoch);
        for (long id : doomed) delete(ManifestStore.key(id));
        manifests.boundary().pruneOld();
        return doomed.size();
    }

    /** WAL objects at or below {@code replayFloor} that are not fences. */
    private List<String> walBelow(long replayFloor) {
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            final String a = after;
            var page = retry.call("list " + WalNames.PREFIX, () -> store.list(WalNames.PREFIX, a, 1000));
            for (ObjectInfo o : page.objects()) {
                long id = WalNames.parse(o.key());
                if (id < 0 || id > replayFloor) return keys;
                if (o.size() != ObjectFrame.HEADER_BYTES) keys.add(o.key());
            }
            if (!page.truncated()) return keys;
            after = page.lastKey();
        }
    }

    private List<String> listKeys(String prefix) {
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            final String a = after;
            var page = retry.call("list " + prefix, () -> store.list(prefix, a, 1000));
            for (ObjectInfo o : page.objects()) keys.add(o.key());
            if (!page.truncated()) return keys;
            after = page.lastKey();
        }
    }

    /** Deletes the candidates not in {@code live} that this collector has seen unreferenced for a grace period. */
    private List<String> deleteUnreferenced(List<String> candidates, Set<String> live, long nowMs) {
        List<String> deleted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String key : candidates) {
            if (live.contains(key)) continue;
            seen.add(key);
            long since = unreferencedSinceMs.computeIfAbsent(key, k -> nowMs);
            if (nowMs - since >= graceMs) {
                delete(key);
                seen.remove(key);
                deleted.add(key);
            }
        }
        unreferencedSinceMs.keySet().retainAll(seen);
        return deleted;
    }

    private void delete(String key) {
        retry.call("delete " + key, () -> {
            store.delete(key);
            return null;
        });
    }
}
