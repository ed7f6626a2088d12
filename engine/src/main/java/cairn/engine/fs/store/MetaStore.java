package cairn.engine.fs.store;

import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.schema.DirentValue;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.InodeRecord;
import cairn.engine.lsm.KeyValue;
import cairn.engine.lsm.KvIterator;
import cairn.engine.lsm.ReadView;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed reads of filesystem keys from a {@link ReadView} (the live {@code Db} or a snapshot), opening values
 * through the {@link ValueTransform}.
 */
public final class MetaStore {
    private final ReadView db;
    private final ValueTransform codec;

    public MetaStore(ReadView view, ValueTransform codec) {
        this.db = view;
        this.codec = codec;
    }

    public ValueTransform codec() {
        return codec;
    }

    public Optional<byte[]> get(byte[] key) {
        return db.get(key).map(v -> codec.open(key, v));
    }

    public boolean exists(byte[] key) {
        return db.get(key).isPresent();
    }

    /** The inode, or null when it does not exist. */
    public InodeRecord inode(long ino) {
        return get(FsKeys.inode(ino)).map(v -> InodeRecord.decode(ino, v)).orElse(null);
    }

    public DirentValue dirent(long dir, byte[] name) {
        return get(FsKeys.dirent(dir, name)).map(DirentValue::decode).orElse(null);
    }

    public boolean hasEntries(long dir) {
        try (KvIterator it = db.scanPrefix(FsKeys.direntPrefix(dir))) {
            return it.hasNext();
        }
    }

    /** Up to {@code limit} decoded entries in {@code [from, to)}. */
    public List<KeyValue> scan(byte[] from, byte[] to, int limit) {
        List<KeyValue> out = new ArrayList<>();
        try (KvIterator it = db.scan(from, to)) {
            while (out.size() < limit && it.hasNext()) {
                KeyValue kv = it.next();
                out.add(new KeyValue(kv.key(), codec.open(kv.key(), kv.value())));
            }
        }
        return out;
    }

    /** Up to {@code limit} keys in {@code [from, to)}, values not opened. */
    public List<byte[]> scanKeys(byte[] from, byte[] to, int limit) {
        List<byte[]> out = new ArrayList<>();
        try (KvIterator it = db.scan(from, to)) {
            while (out.size() < limit && it.hasNext()) out.add(it.next().key());
        }
        return out;
    }
}
