package cairn.engine.lsm.cache;

import cairn.engine.lsm.sst.CorruptObjectException;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;

/** A {@link RangeReader} that issues one ranged GET per call. */
public final class StoreRangeReader implements RangeReader {
    private final ObjectStore store;

    public StoreRangeReader(ObjectStore store) {
        this.store = store;
    }

    @Override
    public byte[] read(String objectKey, long offset, int length) {
        var got = store.getRange(objectKey, offset, length)
                .orElseThrow(() -> new StoreException("object missing: " + objectKey, false));
        byte[] data = got.data();
        if (data.length != length) {
            throw new CorruptObjectException(objectKey, "range " + offset + "+" + length + " returned " + data.length + " bytes (truncated object)");
        }
        return data;
    }
}
