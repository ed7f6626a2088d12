package cairn.protocols.nbd;

import cairn.engine.testing.Await;
import cairn.protocols.nbd.client.Extent;
import cairn.protocols.nbd.client.NbdClient;
import cairn.protocols.nbd.client.NbdErrorException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static cairn.protocols.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every transmission command through our client against a live server. */
class NbdCommandsTest {
    private TestServer server;
    private NbdClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(NbdOptions.defaults());
        client = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int errorOf(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(NbdErrorException.class, e.getCause()).error();
    }

    @Test
    void negotiatesSizeFlagsAndBlockSizes() {
        assertEquals(TestServer.SIZE, client.size());
        assertTrue(client.structured());
        for (int f : new int[] {FLAG_HAS_FLAGS, FLAG_SEND_FLUSH, FLAG_SEND_FUA, FLAG_SEND_TRIM, FLAG_SEND_WRITE_ZEROES,
                FLAG_SEND_FAST_ZERO, FLAG_SEND_CACHE, FLAG_CAN_MULTI_CONN, FLAG_SEND_DF}) {
            assertTrue(client.flag(f), "flag " + f);
        }
        assertFalse(client.flag(FLAG_READ_ONLY));
        assertEquals(512, client.blockSizeMin());
        assertEquals(32 * 1024, client.blockSizePreferred());
        assertEquals(32 << 20, client.blockSizeMax());
    }

    @Test
    void writeThenReadBackWithHolesAround() throws Exception {
        byte[] data = pattern(100_000, 1);
        client.write(40_000, data).get();
        byte[] back = client.read(0, 200_000).get();
        assertArrayEquals(new byte[40_000], Arrays.copyOfRange(back, 0, 40_000));
        assertArrayEquals(data, Arrays.copyOfRange(back, 40_000, 140_000));
        assertArrayEquals(new byte[60_000], Arrays.copyOfRange(back, 140_000, 200_000));
        assertArrayEquals(Arrays.copyOfRange(data, 10, 20), client.read(40_010, 10, CMD_FLAG_DF).get());
        assertArrayEquals(Arrays.copyOfRange(back, 0, 140_000), client.read(0, 140_000, CMD_FLAG_DF).get());
    }

    @Test
    void simpleRepliesWithLegacyHandshake() throws Exception {
        try (NbdClient legacy = NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT).legacy())) {
            assertFalse(legacy.structured());
            assertFalse(legacy.flag(FLAG_SEND_DF));
            byte[] data = pattern(4096, 2);
            legacy.write(8192, data).get();
            assertArrayEquals(data, legacy.read(8192, 4096).get());
            assertEquals(EINVAL, errorOf(legacy.read(TestServer.SIZE, 512)));
            assertEquals(EINVAL, errorOf(legacy.blockStatus(0, 512, 0)));
        }
    }

    @Test
    void trimAndWriteZeroesMakeHolesVisibleInBlockStatus() throws Exception {
        int ext = TestServer.EXTENT;
        client.write(0, pattern(8 * ext, 3)).get();
        List<Extent> before = client.blockStatus(0, 8 * ext, 0).get();
        assertEquals(List.of(new Extent(0, 8 * ext, 0)), before);

        client.trim(2L * ext, 2L * ext, 0).get();
        client.writeZeroes(6L * ext, ext, 0).get();
        List<Extent> after = client.blockStatus(0, 8 * ext, 0).get();
        int hz = STATE_HOLE | STATE_ZERO;
        assertEquals(List.of(new Extent(0, 2L * ext, 0), new Extent(2L * ext, 2L * ext, hz),
                new Extent(4L * ext, 2L * ext, 0), new Extent(6L * ext, ext, hz), new Extent(7L * ext, ext, 0)), after);
        assertArrayEquals(new byte[2 * ext], client.read(2L * ext, 2 * ext).get());

        List<Extent> one = client.blockStatus(ext, 3L * ext, CMD_FLAG_REQ_ONE).get();
        assertEquals(List.of(new Extent(ext, ext, 0)), one);
        // The rest of the export was never written: one hole to the end.
        assertEquals(List.of(new Extent(8L * ext, TestServer.SIZE - 8L * ext, hz)),
                client.blockStatus(8L * ext, TestServer.SIZE - 8L * ext, 0).get());
    }

    @Test
    void writeZeroesNoHoleWritesZerosAndFastZeroFailsFast() throws Exception {
        client.write(0, pattern(4096, 4)).get();
        client.writeZeroes(0, 4096, CMD_FLAG_NO_HOLE).get();
        assertArrayEquals(new byte[4096], client.read(0, 4096).get());

        client.write(0, pattern(4096, 5)).get();
        assertEquals(ENOTSUP, errorOf(client.writeZeroes(0, 4096, CMD_FLAG_NO_HOLE | CMD_FLAG_FAST_ZERO)));
        assertArrayEquals(pattern(4096, 5), client.read(0, 4096).get(), "a failed fast zero leaves data alone");
        client.writeZeroes(0, 4096, CMD_FLAG_FAST_ZERO).get();
        assertArrayEquals(new byte[4096], client.read(0, 4096).get());
    }

    @Test
    void fuaSyncsTheInodeAndFlushSyncsTheVolume() throws Exception {
        int fsyncs = server.fs.fsyncCalls.get();
        client.write(0, pattern(512, 6)).get();
        assertEquals(fsyncs, server.fs.fsyncCalls.get());
        client.write(0, pattern(512, 6), CMD_FLAG_FUA).get();
        client.trim(0, 512, CMD_FLAG_FUA).get();
        client.writeZeroes(0, 512, CMD_FLAG_FUA).get();
        assertEquals(fsyncs + 3, server.fs.fsyncCalls.get());
        int syncs = server.fs.syncfsCalls.get();
        client.flush().get();
        assertEquals(syncs + 1, server.fs.syncfsCalls.get());
    }

    @Test
    void cacheSucceeds() throws Exception {
        client.cache(0, 1 << 20).get();
    }

    @Test
    void requestsPastTheEndAreRejected() throws Exception {
        long size = TestServer.SIZE;
        assertEquals(EINVAL, errorOf(client.read(size - 512, 1024)));
        assertEquals(EINVAL, errorOf(client.read(-512L, 512)));
        assertEquals(ENOSPC, errorOf(client.write(size, new byte[512])));
        assertEquals(ENOSPC, errorOf(client.writeZeroes(size - 512, 1024, 0)));
        assertEquals(EINVAL, errorOf(client.trim(size, 512, 0)));
        assertEquals(EINVAL, errorOf(client.blockStatus(size, 512, 0)));
        assertEquals(EINVAL, errorOf(client.cache(size, 512)));
        // The connection is still fine.
        client.write(size - 512, pattern(512, 7)).get();
        assertArrayEquals(pattern(512, 7), client.read(size - 512, 512).get());
    }

    @Test
    void unknownCommandsAndFlagsAreRejected() throws Exception {
        assertEquals(EINVAL, errorOf(client.raw(42, 0, 0, 0)));
        assertEquals(EINVAL, errorOf(client.raw(CMD_WRITE_ZEROES, 1 << 9, 0, 512)));
        assertEquals(EINVAL, errorOf(client.raw(CMD_READ, CMD_FLAG_REQ_ONE, 0, 512)));
        assertEquals(EINVAL, errorOf(client.raw(CMD_READ, 0, 0, (32 << 20) + 512)));
        client.flush().get();
    }

    @Test
    void manyRequestsInFlightReturnTheRightData() throws Exception {
        int n = 400;
        int len = 8192;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) writes.add(client.write((long) i * len, pattern(len, 100 + i)));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) reads.add(client.read((long) i * len, len));
        for (int i = 0; i < n; i++) assertArrayEquals(pattern(len, 100 + i), reads.get(i).get(30, TimeUnit.SECONDS));
    }

    @Test
    void repliesComeBackOutOfOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.fs.hook = (op, offset) -> {
            if (op.equals("write") && offset == 0) release.await(10, TimeUnit.SECONDS);
        };
        CompletableFuture<Void> slow = client.write(0, pattern(512, 8));
        CompletableFuture<Void> fast = client.write(4096, pattern(512, 9));
        fast.get(10, TimeUnit.SECONDS);
        assertFalse(slow.isDone(), "the first request is still stalled while the second was answered");
        release.countDown();
        slow.get(10, TimeUnit.SECONDS);
        assertArrayEquals(pattern(512, 8), client.read(0, 512).get());
    }

    @Test
    void exportStaysInUseWhileConnected() throws Exception {
        assertTrue(server.server.exports().inUse(TestServer.EXPORT));
        assertEquals(1, server.fs.opens(server.exportIno()));
        var e = assertThrows(cairn.engine.fs.FsException.class,
                () -> NbdDevices.delete(server.fs, server.server.exports(), TestServer.EXPORT));
        assertEquals(cairn.engine.fs.Errno.EBUSY, e.errno());
        assertThrows(cairn.engine.fs.FsException.class,
                () -> NbdDevices.create(server.fs, server.server.exports(), TestServer.EXPORT, 4096));
        NbdDevices.create(server.fs, server.server.exports(), TestServer.EXPORT, TestServer.SIZE * 2); // growing is fine
        client.close();
        Await.until("export released after DISC", Duration.ofSeconds(60), () -> !server.server.exports().inUse(TestServer.EXPORT));
        Await.until("inode released after DISC", Duration.ofSeconds(60), () -> server.fs.opens(server.exportIno()) == 0);
        NbdDevices.delete(server.fs, server.server.exports(), TestServer.EXPORT);
        var gone = assertThrows(NbdErrorException.class,
                () -> NbdClient.connect(server.address(), NbdClient.Options.of(TestServer.EXPORT)));
        assertEquals(REP_ERR_UNKNOWN, gone.error());
    }
}
