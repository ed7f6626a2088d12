package cairn.engine.fs.store;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;
import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.Longs;
import cairn.engine.lsm.Db;
import cairn.engine.lsm.FencedException;
import cairn.engine.lsm.ReadOnlyException;
import cairn.engine.lsm.WriteBatch;

/**
 * Applies operations to the {@link Db}, one atomic batch each, and keeps the volume's usage counters. The
 * counters ride in every batch as absolute values, so the stored stats always match the stored state; the
 * short critical section (quota check, stats, {@code Db.write}) is the only volume-wide lock on the write
 * path, and it is held only for the in-memory apply, never for a barrier.
 */
public final class Committer {
    private static final byte[] STATS_KEY = FsKeys.system(FsKeys.SYS_STATS);

    private final Db db;
    private final ValueTransform codec;
    private final long maxSizeBytes;
    private final boolean syncMode;
    private long usedBytes;
    private long usedInodes;

    public Committer(Db db, ValueTransform codec, long maxSizeBytes, boolean syncMode) {
        this.db = db;
        this.codec = codec;
        this.maxSizeBytes = maxSizeBytes;
        this.syncMode = syncMode;
        byte[] stats = db.get(STATS_KEY).map(v -> codec.open(STATS_KEY, v)).orElse(null);
        if (stats != null) {
            long[] s = Longs.decode(stats, 2);
            usedBytes = s[0];
            usedInodes = s[1];
        }
    }

    /** Stats value for a fresh volume, to put in the format batch. */
    public static void stageInitialStats(WriteBatch batch, ValueTransform codec, long usedInodes) {
        batch.put(STATS_KEY, codec.seal(STATS_KEY, Longs.encode(0, usedInodes)));
    }

    /** Atomically applies the operation; ENOSPC (nothing applied) when it would exceed the quota. */
    public void commit(Txn txn) {
        WriteBatch batch = txn.seal();
        synchronized (this) {
            long bytes = usedBytes + txn.bytesDelta();
            long inodes = usedInodes + txn.inodesDelta();
            if (txn.bytesDelta() > 0 && maxSizeBytes > 0 && bytes > maxSizeBytes)
                throw new FsException(Errno.ENOSPC, "quota of " + maxSizeBytes + " bytes reached");
            if (txn.bytesDelta() != 0 || txn.inodesDelta() != 0)
                batch.put(STATS_KEY, codec.seal(STATS_KEY, Longs.encode(bytes, inodes)));
            try {
                if (!batch.isEmpty()) db.write(batch);
            } catch (ReadOnlyException e) {
                throw new FsException(Errno.EROFS, "read-only volume", e);
            } catch (FencedException e) {
                throw new FsException(Errno.EIO, "writer fenced", e);
            }
            usedBytes = bytes;
            usedInodes = inodes;
        }
        for (Runnable r : txn.afterCommit()) r.run();
        if (syncMode && txn.metadata()) barrier();
    }

    public void barrier() {
        try {
            db.barrier();
        } catch (FencedException e) {
            throw new FsException(Errno.EIO, "writer fenced", e);
        } catch (ReadOnlyException e) {
            throw new FsException(Errno.EROFS, "read-only volume", e);
        }
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }

    public synchronized long usedInodes() {
        return usedInodes;
    }

    public long maxSizeBytes() {
        return maxSizeBytes;
    }
}
