package cairn.engine.lsm;

import static cairn.engine.lsm.TestKv.b;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.ForwardingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LsmDb#scanKeys} lists keys of large values without reading the WAL objects that hold them. */
class ScanKeysTest {

    @Test
    void scanKeysFetchesNoLargeValues() {
        var bucket = new MemoryStore();
        try (var db = LsmDb.openWriter(bucket, TestOptions.small(), 1)) {
            for (int i = 0; i < 20; i++) db.put(b("big" + i), "B".repeat(1000 + i).getBytes(StandardCharsets.UTF_8));
            db.put(b("small"), b("s"));
            db.flushMemtable();
        }
        var walReads = new AtomicInteger();
        var counting = new ForwardingStore(bucket) {
            @Override
            public Optional<StoredObject> getRange(String key, long offset, int length) {
                if (key.startsWith("wal/")) walReads.incrementAndGet();
                return super.getRange(key, offset, length);
            }

            @Override
            public Optional<StoredObject> get(String key) {
                if (key.startsWith("wal/")) walReads.incrementAndGet();
                return super.get(key);
            }
        };
        try (var db = LsmDb.openWriter(counting, TestOptions.small(), 2)) {
            int before = walReads.get();
            List<String> keys = new ArrayList<>();
            try (var it = db.scanKeys(new byte[0], null)) {
                it.forEachRemaining(kv -> {
                    keys.add(new String(kv.key(), StandardCharsets.UTF_8));
                    if (kv.key()[0] == 'b') assertEquals(0, kv.value().length, "large value not loaded");
                });
            }
            assertEquals(21, keys.size());
            assertEquals(before, walReads.get(), "scanKeys read no WAL object");
            try (var it = db.scan(b("big7"), b("big8"))) {
                assertEquals(1007, it.next().value().length, "scan still loads values");
            }
            assertTrue(walReads.get() > before);
        }
    }
}
