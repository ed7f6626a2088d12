package cairn.engine.store;

import java.util.Map;
import java.util.Optional;

/**
 * The only view of the bucket that the rest of Cairn has.
 *
 * <p>Calls block; callers run them on virtual threads. Every method either returns an answer or throws
 * {@link StoreException}. "Not found" is an answer ({@link Optional#empty()}), never an exception and never
 * retried.
 *
 * <p>Safety rule for the whole project: correctness may depend only on {@link #putIfAbsent} (create-if-absent).
 * {@link #putIfMatch} is not atomic on every S3 implementation (s3proxy lets several racers win), so it may
 * guard only updates where a lost race is harmless.
 */
public interface ObjectStore extends AutoCloseable {

    /** The whole object, or empty when the key does not exist. */
    Optional<StoredObject> get(String key);

    /**
     * Bytes {@code [offset, offset + length)} of the object, fewer when the object ends first; empty when the
     * key does not exist.
     */
    Optional<StoredObject> getRange(String key, long offset, int length);

    /** Size, etag and metadata without the body; empty when the key does not exist. */
    Optional<ObjectInfo> head(String key);

    /** Unconditional write; returns the new object's info (its etag). */
    ObjectInfo put(String key, byte[] data, Map<String, String> metadata);

    /**
     * Create-if-absent (If-None-Match: *). Exactly one of any number of racing callers gets
     * {@link ConditionalPut.Written}; the others get {@link ConditionalPut.Conflict}. An ambiguous outcome
     * (a timeout after which a retry saw 412) is resolved by the backend: it returns {@code Written} only if
     * the stored object is this call's own write.
     */
    ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata);

    /** Replace only if the current etag equals {@code etag} (If-Match). Not safe under races: see class doc. */
    ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag);

    /**
     * Up to {@code maxKeys} keys starting with {@code prefix}, strictly after {@code startAfter} (null: from the
     * start), in ascending byte order of the key.
     */
    ListPage list(String prefix, String startAfter, int maxKeys);

    /** Deletes the key; deleting a missing key is not an error. */
    void delete(String key);

    /** A human-readable location, e.g. {@code s3://bucket/prefix}; never contains credentials. */
    String describe();

    @Override
    void close();
}
