package cairn.engine.lsm;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** String views of keys and values, shared by the LSM tests. */
final class TestKv {
    private TestKv() {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Drains and closes {@code it} into a sorted map. */
    static TreeMap<String, String> toMap(KvIterator it) {
        var m = new TreeMap<String, String>();
        try (it) {
            it.forEachRemaining(kv -> m.put(s(kv.key()), s(kv.value())));
        }
        return m;
    }

    /** Everything {@code db} holds. */
    static TreeMap<String, String> contents(LsmDb db) {
        return toMap(db.scan(new byte[0], null));
    }
}
