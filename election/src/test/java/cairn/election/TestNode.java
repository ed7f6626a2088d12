package cairn.election;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One in-process HA node over a shared bucket. Its own view of the bucket is a fault-injecting store, so a
 * test can pause it (SIGSTOP) or make it die (SIGKILL: every later store call fails).
 */
final class TestNode implements AutoCloseable {

    static final LsmOptions LSM = LsmOptions.defaults().withFlushIntervalMs(5);
    /** A leader that has not reached its store this long steps down. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    final String id;
    final FaultInjectingStore store;
    final WalPutGate walGate;
    final Elector elector;
    final HaVolume volume;
    final RoleController controller;
    final AtomicReference<FileSystem> serving = new AtomicReference<>();

    TestNode(String id, ObjectStore bucket, Elector elector, long seed) {
        this.id = id;
        this.walGate = new WalPutGate(bucket);
        this.store = new FaultInjectingStore(walGate, seed);
        this.elector = elector;
        var metrics = new SimpleMeterRegistry();
        this.volume = new HaVolume(store, LSM, FsOptions.defaults(), ValueTransform.IDENTITY, new HaVolume.Serving() {
            @Override
            public void start(FileSystem fs) {
                serving.set(fs);
            }

            @Override
            public void stop() {
                serving.set(null);
            }
        }, metrics);
        this.controller = new RoleController(id, id + ":2049", new EpochLedger(store), elector, volume,
                HookRunner.none(), Duration.ofMillis(20), STORE_TIMEOUT, metrics);
    }

    TestNode start() {
        volume.startStandby();
        controller.start();
        return this;
    }

    /** Creates a file holding its own name and fsyncs it; returns normally only when the file is durable. */
    static void writeDurably(FileSystem fs, String name) {
        var attr = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, name, 0644, true);
        fs.write(Caller.ROOT, attr.ino(), 0, name.getBytes(StandardCharsets.UTF_8));
        fs.fsync(attr.ino());
    }

    static String read(FileSystem fs, String name) {
        long ino = fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, name).ino();
        return new String(fs.read(Caller.ROOT, ino, 0, 1 << 16).data(), StandardCharsets.UTF_8);
    }

    /** SIGKILL: from now on this node's store calls fail and its election participation ends. */
    void kill() {
        store.crashAt(step -> true);
        elector.close();
    }

    @Override
    public void close() {
        try {
            controller.close();
        } catch (RuntimeException ignored) {
            // a killed node cannot close cleanly; that is the point
        }
    }
}
