package cairn.engine.store;

import java.util.Map;
import java.util.Optional;

/** Passes every call to another store; subclasses override what they change (test doubles, small wrappers). */
public abstract class ForwardingStore implements ObjectStore {
    protected final ObjectStore inner;

    protected ForwardingStore(ObjectStore inner) {
        this.inner = inner;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return inner.get(key);
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return inner.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return inner.head(key);
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        return inner.put(key, data, metadata);
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        return inner.putIfAbsent(key, data, metadata);
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        return inner.putIfMatch(key, data, metadata, etag);
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return inner.list(prefix, startAfter, maxKeys);
    }

    @Override
    public void delete(String key) {
        inner.delete(key);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
