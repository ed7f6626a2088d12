package cairn.engine.lsm;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.StoredManifest;
import cairn.engine.lsm.memtable.Memtable;
import cairn.engine.lsm.value.ValueStore;
import cairn.engine.lsm.wal.WalBatch;
import cairn.engine.lsm.wal.WalNames;
import cairn.engine.lsm.wal.WalObject;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;

/**
 * Rebuilds the in-memory part of the database from the bucket: applies manifests (dropping memtable versions a
 * newer L0 covers) and WAL objects in id order, one whole object at a time. Used for writer replay, reader
 * tailing and standby promotion (which then replays only what it has not applied yet). Not thread-safe: one
 * owner applies; readers see results only through what the owner publishes.
 */
final class WalTailer {
    private final ObjectStore store;
    private final RetryPolicy retry;
    private final ValueStore values;
    private StoredManifest manifest;
    private Memtable memtable = new Memtable();
    private long appliedWalId;
    private long maxSeq;
    private long epochSeen;
    private long walEpochSeen;

    WalTailer(ObjectStore store, RetryPolicy retry, ValueStore values) {
        this.store = store;
        this.retry = retry;
        this.values = values;
    }

    /** Adopts a manifest version; returns true when the memtable was replaced (newer L0 coverage). */
    boolean applyManifest(StoredManifest m) {
        if (manifest != null && m.id() < manifest.id()) return false;
        boolean trimmed = false;
        long covered = m.manifest().lastL0Seq();
        if (manifest == null || covered > manifest.manifest().lastL0Seq()) {
            memtable = memtable.retainAbove(covered);
            trimmed = true;
        }
        manifest = m;
        appliedWalId = Math.max(appliedWalId, m.manifest().replayAfterWalId());
        maxSeq = Math.max(maxSeq, covered);
        epochSeen = Math.max(epochSeen, m.manifest().epoch());
        return trimmed;
    }

    /**
     * Applies WAL objects after the last applied one, up to {@code lastId} inclusive. With {@code mustExist}
     * every id in the range must be present (writer replay: the range is exact); otherwise the first missing id
     * ends the pass (tailing). {@code afterEach} runs after each whole object, to publish it.
     */
    int applyWal(long lastId, boolean mustExist, Runnable afterEach) {
        int applied = 0;
        while (appliedWalId < lastId) {
            long id = appliedWalId + 1;
            String key = WalNames.key(id);
            var obj = retry.call("get " + key, () -> store.get(key));
            if (obj.isEmpty()) {
                if (mustExist) throw new IllegalStateException(key + " is missing from the replay range up to " + lastId);
                break;
            }
            WalObject wal = WalObject.decode(id, obj.get().data());
            if (wal.epoch() < walEpochSeen) {
                throw new IllegalStateException(key + " has epoch " + wal.epoch() + " after an object of epoch " + walEpochSeen);
            }
            walEpochSeen = wal.epoch();
            epochSeen = Math.max(epochSeen, wal.epoch());
            long skipAtOrBelow = manifest == null ? 0 : manifest.manifest().lastL0Seq();
            for (WalObject.SegmentValue sv : wal.segmentValues()) values.prime(sv.pointer(), sv.value());
            for (WalBatch b : wal.batches()) {
                if (b.seq() <= skipAtOrBelow) continue;
                for (Entry e : b.entries()) memtable.add(e);
                maxSeq = Math.max(maxSeq, b.seq());
            }
            appliedWalId = id;
            applied++;
            afterEach.run();
        }
        return applied;
    }

    StoredManifest manifest() {
        return manifest;
    }

    Memtable memtable() {
        return memtable;
    }

    long appliedWalId() {
        return appliedWalId;
    }

    long maxSeq() {
        return maxSeq;
    }

    long epochSeen() {
        return epochSeen;
    }
}
