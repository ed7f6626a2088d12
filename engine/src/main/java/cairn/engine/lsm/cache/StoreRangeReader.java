package cairn.engine.lsm.cache;

import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import cairn.engine.store.StoreException;

/** A {@link RangeReader} that issues one ranged GET per call. */
public final class StoreRangeReader implements RangeReader {
    private final ObjectStore store;
    private final RetryPolicy retry;

    /** {@code retry} (null: none) wraps each GET. */
    public StoreRangeReader(ObjectStore store, RetryPolicy retry) {
        this.store = store;
        this.retry = retry;
    }

    public StoreRangeReader(ObjectStore store) {
        this(store, null);
    }

    @Override
    public byte[] read(String objectKey, long offset, int length) {
        var got = (retry == null ? store.getRange(objectKey, offset, length)
                : retry.call("get " + objectKey, () -> store.getRange(objectKey, offset, length)))
                .orElseThrow(() -> new StoreException("object missing: " + objectKey, false));
        byte[] data = got.data();
        if (data.length != length) {
            throw new CorruptObjectException(objectKey, "range " + offset + "+" + length + " returned " + data.length + " bytes (truncated object)");
        }
        return data;
    }
}
