package cairn.protocols.nbd;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;
import cairn.protocols.nbd.client.NbdClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static cairn.protocols.nbd.NbdProtocol.CMD_FLAG_FUA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real engine (LsmDb over an in-memory bucket): writes acknowledged before a successful FLUSH, and FUA
 * writes, survive a crash, i.e. the database dropped without close and reopened by a new writer at a higher
 * epoch (which fences the old one).
 */
class NbdDurabilityTest {

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    // A long flush interval: nothing becomes durable unless a barrier asks for it.
    private final MemoryStore bucket = new MemoryStore();
    private final LsmOptions lsm = LsmOptions.defaults().withFlushIntervalMs(60_000);
    private CairnFileSystem first;
    private SocketAddress address;

    /** A server (at {@link #address}) on a new volume with a 4 MiB device; stopping it is the crash (nothing is closed). */
    private NbdServer startFirst(String device) throws Exception {
        first = CairnFileSystem.open(LsmDb.openWriter(bucket, lsm, 1), FsOptions.defaults(), ValueTransform.IDENTITY);
        NbdDevices.create(first, device, 4L << 20);
        first.syncfs();
        NbdServer server = new NbdServer(first, NbdOptions.defaults());
        address = server.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
        return server;
    }

    /** Reopens the bucket with a new writer (which fences the crashed one) and checks the device through a client. */
    private void afterCrash(String device, ThrowingConsumer<NbdClient> check) throws Throwable {
        try (LsmDb second = LsmDb.openWriter(bucket, lsm, 2);
             CairnFileSystem again = CairnFileSystem.open(second, FsOptions.defaults(), ValueTransform.IDENTITY);
             NbdServer restarted = new NbdServer(again, NbdOptions.defaults())) {
            SocketAddress reopened = restarted.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
            try (NbdClient client = NbdClient.connect(reopened, NbdClient.Options.of(device))) {
                check.accept(client);
            }
        }
    }

    @AfterEach
    void closeFirst() throws Exception {
        if (first != null) first.close(); // the fenced first instance: stop its background work
    }

    @Test
    void flushedAndFuaWritesSurviveACrash() throws Throwable {
        NbdServer server = startFirst("pg");
        try (NbdClient client = NbdClient.connect(address, NbdClient.Options.of("pg"))) {
            client.write(0, pattern(65536, 1)).get();
            client.write(1 << 20, pattern(4096, 2)).get();
            client.flush().get();
            client.write(2 << 20, pattern(8192, 3), CMD_FLAG_FUA).get();
        }
        server.stop();
        afterCrash("pg", client -> {
            assertArrayEquals(pattern(65536, 1), client.read(0, 65536).get());
            assertArrayEquals(pattern(4096, 2), client.read(1 << 20, 4096).get());
            assertArrayEquals(pattern(8192, 3), client.read(2 << 20, 8192).get());
        });
    }

    /**
     * CAN_MULTI_CONN honesty: four connections each write their own range and get their replies, then ONE of them
     * sends FLUSH; after a crash every connection's writes are there, because FLUSH is a volume-wide barrier.
     * Fails if FLUSH only covered the writes of the connection that sent it.
     */
    @Test
    void flushOnOneConnectionMakesEveryConnectionsWritesDurable() throws Throwable {
        NbdServer server = startFirst("multi");
        int connections = 4, bytes = 40_960; // more than one extent and not extent-aligned
        List<NbdClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(NbdClient.connect(address, NbdClient.Options.of("multi")));
            }
            assertTrue(clients.get(0).flag(NbdProtocol.FLAG_CAN_MULTI_CONN));
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < connections; i++) writes.add(clients.get(i).write((long) i << 20, pattern(bytes, 10 + i)));
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            clients.get(connections - 1).flush().get();
        } finally {
            for (NbdClient c : clients) c.close();
        }
        server.stop();
        afterCrash("multi", client -> {
            for (int i = 0; i < connections; i++) {
                assertArrayEquals(pattern(bytes, 10 + i), client.read((long) i << 20, bytes).get(), "connection " + i);
            }
        });
    }
}
