package cairn.protocols.nfs;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fsync over NFS is honest with the Linux kernel client: the guest writes 4 MiB and fsyncs; the server
 * crashes instead of answering the COMMIT (its unflushed writes are lost) and comes back on the same port at
 * the next epoch. The kernel reconnects, sees the new write verifier, resends the writes and commits again:
 * the fsync succeeds and every byte is in the new writer's filesystem. Opt-in like {@link KernelClientTest}.
 */
@EnabledIfSystemProperty(named = "cairn.e2e.cache", matches = ".+")
class KernelFsyncCrashTest {
    private static final int FILE_BYTES = 4 << 20;

    @TempDir
    Path tmp;

    private volatile FileSystem current;
    private volatile FileSystem proxy;
    private volatile boolean armed;
    private volatile NfsServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch restarted = new CountDownLatch(1);
    private final AtomicInteger writesAfterTakeover = new AtomicInteger();

    @Test
    void kernelResendsUncommittedWritesAfterATakeover() throws Exception {
        try (var volume = new TestVolume()) {
            current = volume.fs;
            proxy = (FileSystem) Proxy.newProxyInstance(FileSystem.class.getClassLoader(),
                    new Class<?>[] {FileSystem.class}, (p, m, args) -> {
                        if (m.getName().equals("create") && "arm".equals(args[2])) armed = true;
                        if (m.getName().equals("write") && restarted.getCount() == 0) writesAfterTakeover.incrementAndGet();
                        if (m.getName().equals("fsync") && armed) {
                            armed = false;
                            crashAndRestart(volume);
                            // no reply may leave: wait until the connections are gone
                            stopped.await(30, TimeUnit.SECONDS);
                            throw new IllegalStateException("crashed instead of committing");
                        }
                        try {
                            return m.invoke(current, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            server = new NfsServer(proxy, NfsExportOptions.DEFAULT);
            var address = server.start(new InetSocketAddress("127.0.0.1", 0)).getFirst();
            int port = address.getPort();
            Path script = tmp.resolve("guest.sh");
            Files.writeString(script, """
                    set -u
                    mkdir -p /mnt/nfs
                    mount -t nfs -o vers=3,proto=tcp,port=PORT,mountport=PORT,mountproto=tcp,nolock,lookupcache=none 10.0.2.2:/ /mnt/nfs
                    # NFSv3 metadata is durable at the next barrier: fsync once so f survives the crash
                    dd if=/dev/zero of=/mnt/nfs/f bs=1 count=1 conv=fsync status=none
                    : > /mnt/nfs/arm
                    yes cairn | head -c BYTES > /tmp/ref
                    if dd if=/tmp/ref of=/mnt/nfs/f bs=1M conv=fsync status=none; then v="fsync ok"; else v="fsync FAILED"; fi
                    echo "$v" > /mnt/nfs/result
                    sync
                    umount /mnt/nfs
                    """.replace("PORT", String.valueOf(port)).replace("BYTES", String.valueOf(FILE_BYTES)));
            Path boot = Path.of(System.getProperty("user.dir")).getParent().resolve("e2e/lib/boot.sh");
            var pb = new ProcessBuilder("bash", boot.toString(), script.toString(), "900")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile());
            pb.environment().put("CAIRN_E2E_CACHE", System.getProperty("cairn.e2e.cache"));
            var p = pb.start();
            assertTrue(p.waitFor(960, TimeUnit.SECONDS), "guest timed out");
            String out = Files.readString(tmp.resolve("out"));
            assertTrue(restarted.await(1, TimeUnit.SECONDS), "the server never crashed: no COMMIT after arming\n" + out);
            assertTrue(writesAfterTakeover.get() > 0, "the kernel did not resend its uncommitted writes");
            FileSystem after = current;
            assertEquals(2, after.writeVerifier());
            long result = after.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "result").ino();
            assertEquals("fsync ok", new String(after.read(Caller.ROOT, result, 0, 100).data()).trim(), out);
            long f = after.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "f").ino();
            byte[] expected = new byte[FILE_BYTES];
            byte[] word = "cairn\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < FILE_BYTES; i++) expected[i] = word[i % word.length];
            assertArrayEquals(expected, after.read(Caller.ROOT, f, 0, FILE_BYTES).data());
        } finally {
            if (server != null) server.stop();
        }
    }

    /** On another thread: stop answering, crash the writer, take over at the next epoch on the same port. */
    private void crashAndRestart(TestVolume volume) {
        var old = server;
        Thread.ofPlatform().start(() -> {
            var address = new InetSocketAddress("127.0.0.1", old.port());
            old.stop();
            stopped.countDown();
            current = volume.crash();
            var fresh = new NfsServer(proxy, NfsExportOptions.DEFAULT);
            fresh.start(address);
            server = fresh;
            restarted.countDown();
        });
    }
}
