package cairn.engine.lsm.cache;

import java.util.Collection;

/**
 * A local cache of exact byte ranges of immutable objects, consulted before the object store (see
 * {@link DiskRangeCache}). It never fetches: callers read the store on a miss and offer what they fetched.
 */
public interface RangeCache {

    /** No cache: every lookup misses, nothing is kept. */
    RangeCache NONE = new RangeCache() {
        @Override
        public byte[] get(String objectKey, long offset, int length) {
            return null;
        }

        @Override
        public void put(String objectKey, long offset, byte[] data) {}

        @Override
        public void drop(String objectKey, long offset, int length) {}

        @Override
        public void invalidate(Collection<String> objectKeys) {}
    };

    /** Exactly the bytes of this range, or null when it is not cached (or its copy was damaged and is now dropped). */
    byte[] get(String objectKey, long offset, int length);

    /** Keeps a range just fetched from the store (and verified by the caller). */
    void put(String objectKey, long offset, byte[] data);

    /** Drops one range whose bytes passed this cache's checks but failed the caller's (another volume's object?). */
    void drop(String objectKey, long offset, int length);

    /** Drops every range of these objects (deleted or no longer referenced). */
    void invalidate(Collection<String> objectKeys);
}
