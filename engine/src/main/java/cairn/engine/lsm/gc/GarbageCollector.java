package cairn.engine.lsm.gc;

import cairn.engine.lsm.LsmOptions;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.manifest.StoredManifest;
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
 *       (header-only object), never a segment listed by a root.</li>
 *   <li>SSTs: not referenced by any root, not being written by this process, and seen unreferenced by this
 *       collector for a whole grace period.</li>
 * </ul>
 */
public final class GarbageCollector {

    public record Report(int manifestsDeleted, int walDeleted, int sstsDeleted) {}

    private final ObjectStore store;
    private final ManifestStore manifests;
    private final RetryPolicy retry;
    private final long graceMs;
    private final long epoch;
    private final Set<String> sstsInFlight;
    /** Observation time -> (latest manifest id, lowest replay point of the roots) at that time. */
    private final TreeMap<Long, long[]> observed = new TreeMap<>();
    private final Map<String, Long> sstUnreferencedSinceMs = new HashMap<>();

    public GarbageCollector(ObjectStore store, ManifestStore manifests, LsmOptions options, long epoch, Set<String> sstsInFlight) {
        this.store = store;
        this.manifests = manifests;
        this.retry = options.retry();
        this.graceMs = options.gcGraceMs();
        this.epoch = epoch;
        this.sstsInFlight = sstsInFlight;
    }

    public synchronized Report run(long nowMs) {
        // Order matters: an SST listed here was registered in flight before its PUT, and leaves that set only
        // after the manifest referencing it is committed; so it is in the copy or in the latest manifest read next.
        List<String> ssts = listSsts();
        Set<String> liveSsts = new HashSet<>(sstsInFlight);
        StoredManifest latest = manifests.readLatest().orElse(null);
        if (latest == null) return new Report(0, 0, 0);
        List<StoredManifest> roots = roots(latest, nowMs);
        long replayFloor = Long.MAX_VALUE;
        Set<Long> segments = new HashSet<>();
        Set<Long> rootIds = new HashSet<>();
        for (StoredManifest r : roots) {
            rootIds.add(r.id());
            replayFloor = Math.min(replayFloor, r.manifest().replayAfterWalId());
            segments.addAll(r.manifest().segments());
            for (SstHandle h : r.manifest().allSsts()) liveSsts.add(h.objectKey());
        }
        observed.put(nowMs, new long[] {latest.id(), replayFloor});
        var old = observed.floorEntry(nowMs - graceMs);
        observed.headMap(old == null ? Long.MIN_VALUE : old.getKey(), false).clear();
        int m = 0, w = 0;
        if (old != null) {
            m = deleteManifests(old.getValue()[0], rootIds);
            w = deleteWal(old.getValue()[1], segments);
        }
        int s = deleteSsts(ssts, liveSsts, nowMs);
        return new Report(m, w, s);
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

    private int deleteWal(long replayFloor, Set<Long> segments) {
        int n = 0;
        String after = null;
        while (true) {
            final String a = after;
            var page = retry.call("list " + WalNames.PREFIX, () -> store.list(WalNames.PREFIX, a, 1000));
            for (ObjectInfo o : page.objects()) {
                long id = WalNames.parse(o.key());
                if (id < 0 || id > replayFloor) return n;
                boolean fence = o.size() == ObjectFrame.HEADER_BYTES;
                if (!fence && !segments.contains(id)) {
                    delete(o.key());
                    n++;
                }
            }
            if (!page.truncated()) return n;
            after = page.lastKey();
        }
    }

    private List<String> listSsts() {
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            final String a = after;
            var page = retry.call("list sst/", () -> store.list("sst/", a, 1000));
            for (ObjectInfo o : page.objects()) keys.add(o.key());
            if (!page.truncated()) return keys;
            after = page.lastKey();
        }
    }

    private int deleteSsts(List<String> listed, Set<String> live, long nowMs) {
        int n = 0;
        Set<String> seen = new HashSet<>();
        for (String key : listed) {
            if (live.contains(key)) continue;
            seen.add(key);
            long since = sstUnreferencedSinceMs.computeIfAbsent(key, k -> nowMs);
            if (nowMs - since >= graceMs) {
                delete(key);
                seen.remove(key);
                n++;
            }
        }
        sstUnreferencedSinceMs.keySet().retainAll(seen);
        return n;
    }

    private void delete(String key) {
        retry.call("delete " + key, () -> {
            store.delete(key);
            return null;
        });
    }
}
