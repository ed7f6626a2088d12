package cairn.engine.lsm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Puts and deletes applied atomically by {@link Db#write}. Not thread-safe; build on one thread. */
public final class WriteBatch {

    /** One operation of a batch; a null value is a delete. */
    public record Op(byte[] key, byte[] value) {
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();
    private long sizeBytes;

    public WriteBatch put(byte[] key, byte[] value) {
        if (value == null) throw new IllegalArgumentException("null value; use delete");
        ops.add(new Op(key, value));
        sizeBytes += key.length + value.length;
        return this;
    }

    public WriteBatch delete(byte[] key) {
        ops.add(new Op(key, null));
        sizeBytes += key.length;
        return this;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Bytes of keys and values, for memory accounting. */
    public long sizeBytes() {
        return sizeBytes;
    }
}
