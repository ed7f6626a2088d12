package cairn.engine.lsm.gc;

import cairn.engine.lsm.codec.BinaryReader;
import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reader's claim on one manifest version: {@code lease/<reader id>} holding (manifestId u64, expiresAtMs u64).
 * GC treats the manifest of every unexpired lease as a root. Leases are their own objects, rewritten with a plain
 * PUT by their single owner, so readers never write manifests.
 */
public record ReaderLease(String readerId, long manifestId, long expiresAtMs) {
    public static final String PREFIX = "lease/";

    public String key() {
        return PREFIX + readerId;
    }

    public void write(ObjectStore store, RetryPolicy retry) {
        byte[] bytes = ObjectFrame.encode(ObjectFrame.MAGIC_LEASE, 0, new BinaryWriter(16).u64(manifestId).u64(expiresAtMs).toByteArray());
        retry.call("put " + key(), () -> store.put(key(), bytes, Map.of()));
    }

    public void delete(ObjectStore store, RetryPolicy retry) {
        retry.call("delete " + key(), () -> {
            store.delete(key());
            return null;
        });
    }

    /** Every lease in the bucket (expired ones included; the caller decides). */
    public static List<ReaderLease> list(ObjectStore store, RetryPolicy retry) {
        List<ReaderLease> out = new ArrayList<>();
        String after = null;
        while (true) {
            final String a = after;
            var page = retry.call("list " + PREFIX, () -> store.list(PREFIX, a, 1000));
            for (var o : page.objects()) {
                var obj = retry.call("get " + o.key(), () -> store.get(o.key()));
                if (obj.isEmpty()) continue;
                BinaryReader r = ObjectFrame.decode(o.key(), obj.get().data(), ObjectFrame.MAGIC_LEASE).payload(o.key());
                out.add(new ReaderLease(o.key().substring(PREFIX.length()), r.u64(), r.u64()));
            }
            if (!page.truncated()) return out;
            after = page.lastKey();
        }
    }
}
