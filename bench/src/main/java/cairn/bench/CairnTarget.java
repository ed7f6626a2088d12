package cairn.bench;

import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MeteredStore;
import cairn.engine.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;

/** Cairn's LSM as writer at epoch 1 over a store; store bytes PUT are counted for write amplification. */
final class CairnTarget implements KvTarget {
    private final String name;
    private final ObjectStore backend;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LsmDb db;

    CairnTarget(String name, ObjectStore backend) {
        this.name = name;
        this.backend = backend;
        this.db = LsmDb.openWriter(new MeteredStore(backend, registry), LsmOptions.defaults(), 1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        db.put(key, value);
    }

    @Override
    public byte[] get(byte[] key) {
        Optional<byte[]> v = db.get(key);
        return v.orElse(null);
    }

    @Override
    public void sync() {
        db.barrier();
    }

    @Override
    public long bytesWritten() {
        return (long) registry.find("cairn.store.bytes").tag("direction", "out").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        db.close();
        backend.close();
    }
}
