package cairn.engine.lsm;

import java.util.Optional;

/** Point and range reads over a consistent or live view of the database. Keys compare as unsigned bytes. */
public interface ReadView {

    Optional<byte[]> get(byte[] key);

    /**
     * Entries with {@code fromInclusive <= key < toExclusive} in ascending key order. {@code toExclusive} null
     * means "to the end". The iterator must be closed.
     */
    KvIterator scan(byte[] fromInclusive, byte[] toExclusive);

    /**
     * Like {@link #scan}, for callers that need only the keys: values may be returned empty, so an engine can
     * skip loading large values (the filesystem lists extents of big files this way).
     */
    default KvIterator scanKeys(byte[] fromInclusive, byte[] toExclusive) {
        return scan(fromInclusive, toExclusive);
    }

    /** Entries whose key starts with {@code prefix}, ascending. */
    default KvIterator scanPrefix(byte[] prefix) {
        return scan(prefix, Keys.prefixEnd(prefix));
    }
}
