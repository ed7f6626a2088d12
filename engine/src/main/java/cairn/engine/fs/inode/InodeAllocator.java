package cairn.engine.fs.inode;

import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.Longs;
import cairn.engine.fs.store.Committer;
import cairn.engine.lsm.Db;
import cairn.engine.lsm.WriteBatch;

/**
 * Hands out inode ids that are never reused, even across crashes. Ids come from blocks: before the first id
 * of a block is returned, the watermark (the end of the block) is written and a barrier makes it durable. A
 * restart continues at the durable watermark, burning whatever was left of the last block.
 */
public final class InodeAllocator {
    private static final byte[] KEY = FsKeys.system(FsKeys.SYS_INODE_WATERMARK);

    private final Db db;
    private final ValueTransform codec;
    private final Committer committer;
    private final int blockSize;
    private long next;
    private long limit;

    public InodeAllocator(Db db, ValueTransform codec, Committer committer, int blockSize) {
        this.db = db;
        this.codec = codec;
        this.committer = committer;
        this.blockSize = blockSize;
        long watermark = db.get(KEY).map(v -> Longs.decode(codec.open(KEY, v), 1)[0])
                .orElseThrow(() -> new IllegalStateException("volume has no inode watermark"));
        this.next = watermark;
        this.limit = watermark;
    }

    /** Stages the watermark of a freshly formatted volume: ids from {@code firstFree} on are unreserved. */
    public static void stageInitial(WriteBatch batch, ValueTransform codec, long firstFree) {
        batch.put(KEY, codec.seal(KEY, Longs.encode(firstFree)));
    }

    public synchronized long allocate() {
        if (next == limit) {
            long newLimit = Math.addExact(limit, blockSize);
            db.put(KEY, codec.seal(KEY, Longs.encode(newLimit)));
            committer.barrier();
            limit = newLimit;
        }
        return next++;
    }
}
