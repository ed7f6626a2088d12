package cairn.protocols.ninep;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.MemoryDb;
import cairn.engine.fs.ValueTransform;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The real filesystem over an in-memory database, seen through a probe that records fsync calls and can hold
 * them at a gate (a request that stays in flight as long as a test wants), and records every call made on a
 * Netty event loop thread (there must be none: filesystem calls may block).
 */
final class FsProbe {
    final MemoryDb db;
    final CairnFileSystem real;
    final FileSystem fs;
    final List<Long> fsyncs = new CopyOnWriteArrayList<>();
    final List<String> eventLoopCalls = new CopyOnWriteArrayList<>();
    volatile CountDownLatch fsyncGate;

    FsProbe() {
        this(new MemoryDb());
    }

    FsProbe(MemoryDb db) {
        this.db = db;
        this.real = CairnFileSystem.open(db, FsOptions.defaults().withExtentBytes(4096), ValueTransform.IDENTITY);
        this.fs = (FileSystem) Proxy.newProxyInstance(FileSystem.class.getClassLoader(),
                new Class<?>[] {FileSystem.class}, (proxy, method, args) -> {
                    if (Thread.currentThread() instanceof FastThreadLocalThread) eventLoopCalls.add(method.getName());
                    if (method.getName().equals("fsync")) {
                        var gate = fsyncGate;
                        if (gate != null) gate.await();
                        fsyncs.add((Long) args[0]);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    void open() {
        fsyncGate = new CountDownLatch(1);
    }

    void release() {
        var gate = fsyncGate;
        if (gate != null) gate.countDown();
    }
}
