package cairn.protocols.nbd;

import cairn.engine.testing.Await;
import cairn.protocols.nbd.client.NbdClient;
import cairn.protocols.nbd.client.NbdErrorException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

/** Read-only exports and the per-connection in-flight budget (backpressure). */
class NbdPolicyTest {

    private static int errorOf(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(NbdErrorException.class, e.getCause()).error();
    }

    @Test
    void readOnlyExportRefusesWrites() throws Exception {
        try (TestServer server = new TestServer(NbdOptions.defaults().withReadOnly(true));
             NbdClient client = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT))) {
            assertTrue(client.flag(FLAG_READ_ONLY));
            assertFalse(client.flag(FLAG_SEND_TRIM));
            assertFalse(client.flag(FLAG_SEND_WRITE_ZEROES));
            assertEquals(EPERM, errorOf(client.write(0, new byte[512])));
            assertEquals(EPERM, errorOf(client.raw(CMD_TRIM, 0, 0, 512)));
            assertEquals(EPERM, errorOf(client.raw(CMD_WRITE_ZEROES, 0, 0, 512)));
            assertArrayEquals(new byte[512], client.read(0, 512).get());
            client.flush().get();
        }
    }

    @Test
    void readOnlyFileSystemMakesReadOnlyExports() throws Exception {
        HookedFileSystem fs = TestServer.newFs();
        try (TestServer server = new TestServer(fs, NbdOptions.defaults(), true)) {
            fs.readOnly = true;
            try (NbdClient client = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT))) {
                assertTrue(client.flag(FLAG_READ_ONLY));
                assertEquals(EPERM, errorOf(client.write(0, new byte[512])));
                assertArrayEquals(new byte[512], client.read(0, 512).get());
            }
        }
    }

    @Test
    void inFlightBytesAreBoundedByTheBudget() throws Exception {
        int writeBytes = 128 * 1024;
        long budget = 1 << 20; // room for 8 such writes
        int expectedMax = (int) (budget / writeBytes);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(expectedMax);
        CountDownLatch release = new CountDownLatch(1);
        HookedFileSystem fs = TestServer.newFs();
        try (TestServer server = new TestServer(fs, NbdOptions.defaults().withInFlight(budget, 512), true)) {
            fs.hook = (op, offset) -> {
                if (!op.equals("write")) return;
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                enough.countDown();
                release.await(20, TimeUnit.SECONDS);
                running.decrementAndGet();
            };
            var options = new NbdClient.Options(TestServer.EXPORT, true, true, true, null, 1000);
            try (NbdClient client = NbdClient.connect(server.address(), options)) {
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                Thread sender = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 48; i++) writes.add(client.write((long) i * writeBytes, new byte[writeBytes]));
                });
                assertTrue(enough.await(20, TimeUnit.SECONDS), "the budget admits " + expectedMax + " writes");
                // Nothing beyond the budget may start while they are stalled.
                assertFalse(Await.holdsWithin(Duration.ofMillis(500), () -> maxRunning.get() > expectedMax), "more writes started than the budget allows");
                release.countDown();
                sender.join(20_000);
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertTrue(maxRunning.get() <= expectedMax, "max running " + maxRunning.get());
            }
        }
    }

    @Test
    void requestCountIsBoundedToo() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        HookedFileSystem fs = TestServer.newFs();
        try (TestServer server = new TestServer(fs, NbdOptions.defaults().withInFlight(1 << 30, 4), true)) {
            fs.hook = (op, offset) -> {
                if (!op.equals("syncfs")) return;
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                enough.countDown();
                release.await(20, TimeUnit.SECONDS);
                running.decrementAndGet();
            };
            var options = new NbdClient.Options(TestServer.EXPORT, true, true, true, null, 100);
            try (NbdClient client = NbdClient.connect(server.address(), options)) {
                List<CompletableFuture<Void>> flushes = new ArrayList<>();
                for (int i = 0; i < 40; i++) flushes.add(client.flush());
                assertTrue(enough.await(20, TimeUnit.SECONDS));
                assertFalse(Await.holdsWithin(Duration.ofMillis(500), () -> maxRunning.get() > 4));
                release.countDown();
                CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                assertEquals(4, maxRunning.get());
            }
        }
    }

    @Test
    void stoppingTheServerReleasesEveryExport() throws Exception {
        TestServer server = new TestServer(NbdOptions.defaults());
        NbdClient a = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT));
        NbdClient b = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT).legacy());
        a.write(0, new byte[4096]).get();
        assertEquals(2, server.server.exports().connections(TestServer.EXPORT));
        server.close();
        assertFalse(server.server.exports().inUse(TestServer.EXPORT));
        assertEquals(0, server.fs.opens(server.exportIno()));
        a.close();
        b.close();
    }
}
