package cairn.engine.fs.store;

import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.InodeRecord;
import cairn.engine.lsm.WriteBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The staged effect of one filesystem operation: one {@link WriteBatch} plus the change in used bytes and
 * inodes. Inodes are staged by id, so an operation that touches one inode through two roles (a rename
 * inside one directory) writes it once, last state wins.
 */
public final class Txn {
    private final ValueTransform codec;
    private final WriteBatch batch = new WriteBatch();
    private final Map<Long, InodeRecord> inodes = new LinkedHashMap<>();
    private long bytesDelta;
    private long inodesDelta;
    private final boolean metadata;
    private final List<Runnable> afterCommit = new ArrayList<>();

    /** @param metadata whether this is a metadata operation (barrier after it in sync mode) */
    public Txn(ValueTransform codec, boolean metadata) {
        this.codec = codec;
        this.metadata = metadata;
    }

    public Txn put(byte[] key, byte[] plain) {
        batch.put(key, codec.seal(key, plain));
        return this;
    }

    public Txn delete(byte[] key) {
        batch.delete(key);
        return this;
    }

    /** Stages the inode's current state (written at commit). */
    public void update(InodeRecord n) {
        inodes.put(n.ino, n);
    }

    public void deleteInode(long ino) {
        inodes.remove(ino);
        batch.delete(FsKeys.inode(ino));
    }

    public void addBytes(long delta) {
        bytesDelta += delta;
    }

    public void addInodes(long delta) {
        inodesDelta += delta;
    }

    /** Runs {@code action} once the batch has been applied (in-memory follow-ups such as waking a worker). */
    public void onCommit(Runnable action) {
        afterCommit.add(action);
    }

    List<Runnable> afterCommit() {
        return afterCommit;
    }

    public long bytesDelta() {
        return bytesDelta;
    }

    public long inodesDelta() {
        return inodesDelta;
    }

    public boolean metadata() {
        return metadata;
    }

    /** The batch with every staged inode written; call once. */
    WriteBatch seal() {
        for (InodeRecord n : inodes.values()) put(FsKeys.inode(n.ino), n.encode());
        inodes.clear();
        return batch;
    }
}
