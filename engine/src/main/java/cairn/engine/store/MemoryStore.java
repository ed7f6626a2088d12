package cairn.engine.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-process store ({@code memory://}): atomic conditional writes, for tests and throwaway volumes. */
public final class MemoryStore implements ObjectStore {

    private record Entry(byte[] data, ObjectInfo info) {}

    private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    private final String name;

    public MemoryStore(String name) {
        this.name = name;
    }

    public MemoryStore() {
        this(UUID.randomUUID().toString());
    }

    @Override
    public Optional<StoredObject> get(String key) {
        Entry e = objects.get(key);
        return e == null ? Optional.empty() : Optional.of(new StoredObject(e.data.clone(), e.info));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        Entry e = objects.get(key);
        if (e == null) return Optional.empty();
        int from = (int) Math.min(offset, e.data.length);
        int to = (int) Math.min((long) from + length, e.data.length);
        return Optional.of(new StoredObject(Arrays.copyOfRange(e.data, from, to), e.info));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return Optional.ofNullable(objects.get(key)).map(Entry::info);
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        Entry e = entry(key, data, metadata);
        objects.put(key, e);
        return e.info;
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        Entry e = entry(key, data, metadata);
        return objects.putIfAbsent(key, e) == null ? new ConditionalPut.Written(e.info) : new ConditionalPut.Conflict();
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        Entry current = objects.get(key);
        if (current == null || !current.info.etag().equals(etag)) return new ConditionalPut.Conflict();
        Entry e = entry(key, data, metadata);
        return objects.replace(key, current, e) ? new ConditionalPut.Written(e.info) : new ConditionalPut.Conflict();
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        var tail = startAfter == null || startAfter.compareTo(prefix) < 0
                ? objects.tailMap(prefix, true) : objects.tailMap(startAfter, false);
        List<ObjectInfo> page = new ArrayList<>();
        for (var e : tail.entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            if (page.size() == maxKeys) return new ListPage(page, true);
            ObjectInfo i = e.getValue().info;
            page.add(new ObjectInfo(i.key(), i.size(), i.etag(), Map.of()));
        }
        return new ListPage(page, false);
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public String describe() {
        return "memory://" + name;
    }

    @Override
    public void close() {}

    private static Entry entry(String key, byte[] data, Map<String, String> metadata) {
        String etag = "\"" + UUID.randomUUID() + "\"";
        return new Entry(data.clone(), new ObjectInfo(key, data.length, etag, metadata));
    }
}
