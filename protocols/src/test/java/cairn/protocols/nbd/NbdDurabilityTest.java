package cairn.protocols.nbd;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;
import cairn.protocols.nbd.client.NbdClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Random;

import static cairn.protocols.nbd.NbdProtocol.CMD_FLAG_FUA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

    @Test
    void flushedAndFuaWritesSurviveACrash() throws Exception {
        MemoryStore bucket = new MemoryStore();
        // A long flush interval: nothing becomes durable unless a barrier asks for it.
        LsmOptions lsm = LsmOptions.defaults().withFlushIntervalMs(60_000);
        LsmDb first = LsmDb.openWriter(bucket, lsm, 1);
        CairnFileSystem fs = CairnFileSystem.open(first, FsOptions.defaults(), ValueTransform.IDENTITY);
        NbdDevices.create(fs, "pg", 4L << 20);
        fs.syncfs();
        NbdServer server = new NbdServer(fs, NbdOptions.defaults());
        SocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
        try (NbdClient client = NbdClient.connect(address, NbdClient.Options.of("pg"))) {
            client.write(0, pattern(65536, 1)).get();
            client.write(1 << 20, pattern(4096, 2)).get();
            client.flush().get();
            client.write(2 << 20, pattern(8192, 3), CMD_FLAG_FUA).get();
        }
        server.stop(); // crash: the filesystem and the database are dropped without close

        try (LsmDb second = LsmDb.openWriter(bucket, lsm, 2);
             CairnFileSystem again = CairnFileSystem.open(second, FsOptions.defaults(), ValueTransform.IDENTITY);
             NbdServer restarted = new NbdServer(again, NbdOptions.defaults())) {
            SocketAddress reopened = restarted.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
            try (NbdClient client = NbdClient.connect(reopened, NbdClient.Options.of("pg"))) {
                assertArrayEquals(pattern(65536, 1), client.read(0, 65536).get());
                assertArrayEquals(pattern(4096, 2), client.read(1 << 20, 4096).get());
                assertArrayEquals(pattern(8192, 3), client.read(2 << 20, 8192).get());
            }
        } finally {
            fs.close(); // the fenced first instance: stop its background work now the test is over
        }
    }
}
