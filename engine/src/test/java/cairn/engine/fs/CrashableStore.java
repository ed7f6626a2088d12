package cairn.engine.fs;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ListPage;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;
import cairn.engine.store.StoredObject;

import java.util.Map;
import java.util.Optional;

/** A process's view of a shared bucket: after {@link #crash()} every call fails, as if the process died. */
final class CrashableStore implements ObjectStore {
    private final ObjectStore bucket;
    private volatile boolean crashed;

    CrashableStore(ObjectStore bucket) {
        this.bucket = bucket;
    }

    void crash() {
        crashed = true;
    }

    private void alive() {
        if (crashed) throw new StoreException("process crashed", false);
    }

    @Override
    public Optional<StoredObject> get(String key) {
        alive();
        return bucket.get(key);
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        alive();
        return bucket.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        alive();
        return bucket.head(key);
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        alive();
        return bucket.put(key, data, metadata);
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        alive();
        return bucket.putIfAbsent(key, data, metadata);
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        alive();
        return bucket.putIfMatch(key, data, metadata, etag);
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        alive();
        return bucket.list(prefix, startAfter, maxKeys);
    }

    @Override
    public void delete(String key) {
        alive();
        bucket.delete(key);
    }

    @Override
    public String describe() {
        return "crashable(" + bucket.describe() + ")";
    }

    @Override
    public void close() {}
}
