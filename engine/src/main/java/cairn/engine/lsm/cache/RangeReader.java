package cairn.engine.lsm.cache;

/**
 * Reads byte ranges of immutable objects. Returns exactly {@code length} bytes, or throws
 * {@link cairn.engine.lsm.sst.CorruptObjectException} when the object is shorter and
 * {@link cairn.engine.store.StoreException} when it is missing or the store fails.
 */
@FunctionalInterface
public interface RangeReader {
    byte[] read(String objectKey, long offset, int length);
}
