package cairn.engine.lsm;

import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.manifest.ManifestStore;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.manifest.Manifest;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.lsm.wal.WalObject;
import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.Arrays;
import java.util.Map;

/**
 * Writer fencing: how a process becomes the only writer at an epoch, and how a deposed writer learns it is not.
 * The whole protocol lives here; {@code docs/fencing.md} walks through it step by step.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>No two epochs acknowledge a barrier.</b> A barrier is acknowledged only after the WAL objects it
 *       covers were created with create-if-absent. After a writer at epoch E fenced slot F, every WAL slot a
 *       writer below E could still try is at most F (WAL PUTs are sequential, K = 1), and slot F is taken.</li>
 *   <li><b>A fenced writer acknowledges nothing.</b> A collision on a WAL slot is classified by the epoch in
 *       the existing object's header: newer means fenced, and the writer fails every pending and future
 *       barrier; its own bytes (an ambiguous retry) mean success.</li>
 *   <li><b>A deleted slot can never be re-created.</b> WAL fence objects are never deleted, so a zombie's next
 *       WAL slot always exists. Manifest slots are protected by the GC boundary: a manifest create at or below
 *       it is void ({@link ManifestStore#create}).</li>
 *   <li><b>Every write acknowledged by an older epoch is replayed.</b> The new writer replays exactly the WAL
 *       range (replayAfterWalId, fence) read from the manifest it committed; that manifest can no longer change
 *       under it, because every older writer's manifest create now conflicts or sees the newer epoch.</li>
 * </ol>
 *
 * <h2>Sequence ({@link #fence})</h2>
 * 1. read the latest manifest; an epoch at or above ours means we are fenced already.
 * 2. create the next manifest with our epoch (create-if-absent + boundary check); on conflict go back to 1.
 * 3. LIST the WAL after replayAfterWalId: the frontier is the highest id present; a frontier object of a newer
 *    epoch means a newer writer already serves: fenced.
 * 4. create a fence (header only, our epoch) at frontier + 1; on collision classify the object there: older
 *    epoch means it is an in-flight write of the old writer, part of the replay range: try the next slot;
 *    newer epoch means fenced.
 * 5. check the fence is above replayAfterWalId and the manifest still carries our epoch.
 * The caller then replays (replayAfterWalId, fence) and starts serving.
 */
public final class WriterFencing {
    /** How far step 4 may advance: each step past the first needs one more old-epoch object landing. */
    static final int FENCE_ADVANCE_MAX = 1000;

    /** The manifest this writer committed and the WAL slot of its fence; replay (replayAfterWalId, fenceWalId). */
    public record Fenced(StoredManifest manifest, long fenceWalId) {}

    private WriterFencing() {}

    public static Fenced fence(ObjectStore store, ManifestStore manifests, RetryPolicy retry, long epoch) {
        return fence(store, manifests, retry, epoch, 0);
    }

    /**
     * As {@link #fence(ObjectStore, ManifestStore, RetryPolicy, long)}, with {@code knownWalId}: a WAL id known to
     * exist (a promoted reader's last applied object), so step 3 lists only the WAL after it instead of after
     * replayAfterWalId (a short LIST where a warm standby takes over). Ids at or below it exist or are below
     * replayAfterWalId, so the frontier found is the same.
     */
    public static Fenced fence(ObjectStore store, ManifestStore manifests, RetryPolicy retry, long epoch, long knownWalId) {
        if (epoch <= 0) throw new IllegalArgumentException("epoch must be positive: " + epoch);
        StoredManifest bumped = bumpEpoch(manifests, retry, epoch);
        long replayAfter = bumped.manifest().replayAfterWalId();
        long listAfter = Math.max(replayAfter, knownWalId);
        long slot = Math.max(frontier(store, retry, listAfter), listAfter) + 1;
        requireNotNewer(store, retry, slot - 1, epoch);
        byte[] fence = WalObject.fence(epoch);
        for (int advanced = 0; ; advanced++) {
            if (advanced > FENCE_ADVANCE_MAX) throw new IllegalStateException("fence could not find a free WAL slot");
            String key = WalNames.key(slot);
            ObjectFrame.verify(key, fence, ObjectFrame.MAGIC_WAL, epoch);
            final long s = slot;
            ConditionalPut r = retry.call("create fence " + key, () -> store.putIfAbsent(WalNames.key(s), fence, Map.of("cairn-epoch", Long.toString(epoch))));
            if (r.written() || resolveWalCollision(store, retry, slot, fence, epoch) == Collision.OWN) break;
            slot++;
        }
        if (slot <= replayAfter) throw new IllegalStateException("fence " + slot + " not above replay point " + replayAfter);
        StoredManifest now = manifests.readLatest().orElseThrow();
        if (now.manifest().epoch() != epoch) {
            throw new FencedException(epoch, now.manifest().epoch(), "manifest " + now.id() + " changed hands during fencing");
        }
        if (now.manifest().replayAfterWalId() >= slot) throw new IllegalStateException("replay point moved past the fence");
        return new Fenced(now, slot);
    }

    /**
     * Step 3b: a frontier written by a newer epoch means a newer writer bumped, fenced and wrote after our bump; we are
     * fenced. Without this check a slow opener would put its (stray, header-only) fence above the newer writer's
     * WAL, where the newer writer's next PUT would collide with an older epoch.
     */
    private static void requireNotNewer(ObjectStore store, RetryPolicy retry, long frontier, long epoch) {
        if (frontier <= 0) return;
        String key = WalNames.key(frontier);
        var existing = retry.call("get " + key, () -> store.get(key));
        if (existing.isEmpty()) return; // at or below the replay point and collected: older than our bump
        long theirs = ObjectFrame.epochOf(key, existing.get().data(), ObjectFrame.MAGIC_WAL);
        if (theirs > epoch) throw new FencedException(epoch, theirs, key + " was written by a newer writer");
    }

    /** What occupies a WAL slot we failed to create. */
    public enum Collision { OWN, OLDER_EPOCH }

    /**
     * Classifies the object at a WAL slot whose create-if-absent failed: our own bytes (an ambiguous retry that
     * landed) is {@link Collision#OWN}; a newer epoch throws {@link FencedException}; an older epoch is
     * {@link Collision#OLDER_EPOCH} (only the fence step may step over it; a serving writer treats it as fatal).
     */
    public static Collision resolveWalCollision(ObjectStore store, RetryPolicy retry, long id, byte[] ours, long epoch) {
        String key = WalNames.key(id);
        var existing = retry.call("get " + key, () -> store.get(key))
                .orElseThrow(() -> new IllegalStateException(key + " collided on create but is absent: a WAL slot was deleted"));
        if (Arrays.equals(existing.data(), ours)) return Collision.OWN;
        long theirs = ObjectFrame.epochOf(key, existing.data(), ObjectFrame.MAGIC_WAL);
        if (theirs > epoch) throw new FencedException(epoch, theirs, key + " was created by a newer writer");
        if (theirs == epoch) throw new IllegalStateException(key + " holds different bytes of our own epoch " + epoch);
        return Collision.OLDER_EPOCH;
    }

    private static StoredManifest bumpEpoch(ManifestStore manifests, RetryPolicy retry, long epoch) {
        long deadlineNs = System.nanoTime() + retry.deadline().toNanos();
        for (int conflicts = 0; ; ) {
            var latest = manifests.readLatest();
            long id = latest.map(StoredManifest::id).orElse(0L);
            Manifest base = latest.map(StoredManifest::manifest).orElse(Manifest.empty());
            if (base.epoch() >= epoch) throw new FencedException(epoch, base.epoch(), "manifest " + id + " already has epoch " + base.epoch());
            if (conflicts > 0 && System.nanoTime() > deadlineNs) throw new IllegalStateException("epoch bump kept conflicting until the deadline");
            Manifest next = base.withEpoch(epoch).withWrittenAtMs(System.currentTimeMillis());
            if (manifests.create(id + 1, next) == ManifestStore.CreateResult.CREATED) return new StoredManifest(id + 1, next);
            conflicts++;
        }
    }

    /** The highest WAL id present above {@code after} (or {@code after} when none). */
    static long frontier(ObjectStore store, RetryPolicy retry, long after) {
        long best = after;
        String from = after == 0 ? null : WalNames.key(after);
        while (true) {
            final String f = from;
            var page = retry.call("list " + WalNames.PREFIX, () -> store.list(WalNames.PREFIX, f, 1000));
            for (ObjectInfo o : page.objects()) best = Math.max(best, WalNames.parse(o.key()));
            if (!page.truncated()) return best;
            from = page.lastKey();
        }
    }
}
