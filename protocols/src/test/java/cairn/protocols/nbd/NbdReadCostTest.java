package cairn.protocols.nbd;

import cairn.engine.crypto.Compression;
import cairn.engine.crypto.ValueCodec;
import cairn.engine.fs.Caller;
import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.MeteredStore;
import cairn.protocols.nbd.client.NbdClient;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an NBD READ costs the bucket, counted with {@link MeteredStore} instead of timed: over the real engine with
 * the server's value encryption, data written and made durable (large values in their WAL object), a cold READ
 * fetches each 32 KiB extent it touches with exactly one ranged GET of about that size, never a whole object, and
 * a repeated READ or a BLOCK_STATUS fetches nothing. Catches re-reading or verifying whole WAL objects per
 * request, reading values twice (map + read), and block status loading data.
 */
class NbdReadCostTest {
    private static final int EXTENT = FsOptions.DEFAULT_EXTENT_BYTES;
    private static final long SIZE = 4L << 20;
    private static final int WRITTEN = 1 << 20;
    private static final int READ = 512 << 10;
    /** Per-value bytes beyond the data: nonce, tag and compression framing of the value codec. */
    private static final int VALUE_OVERHEAD_MAX = 64;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final byte[] data = new byte[WRITTEN];
    private LsmDb db;
    private CairnFileSystem fs;
    private NbdServer server;
    private SocketAddress address;

    @BeforeEach
    void start() throws Exception {
        // No background GC or compaction: every store read below is caused by the requests under test.
        LsmOptions options = LsmOptions.defaults().withGc(600_000, 0).withCompaction(null);
        db = LsmDb.openWriter(new MeteredStore(new MemoryStore(), registry), options, 1);
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        fs = CairnFileSystem.open(db, FsOptions.defaults(), new ValueCodec(key, Compression.lz4()));
        NbdDevices.create(fs, "disk", SIZE);
        new Random(11).nextBytes(data); // incompressible, like the fio and nbdcopy benchmarks
        long ino = NbdDevices.lookup(fs, "disk").ino();
        fs.write(Caller.ROOT, ino, 0, data);
        fs.syncfs(); // the WAL object holding the extents is in the bucket; no value is cached yet
        server = new NbdServer(fs, NbdOptions.defaults());
        address = server.start(new InetSocketAddress("127.0.0.1", 0)).get(0);
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop();
        if (fs != null) fs.close();
        if (db != null) db.close();
    }

    @Test
    void coldReadFetchesEachExtentOnceAndWarmReadFetchesNothing() throws Exception {
        try (NbdClient client = NbdClient.connect(address, NbdClient.Options.of("disk"))) {
            Reads before = reads();
            assertArrayEquals(Arrays.copyOfRange(data, 0, READ), client.read(0, READ).get());
            Reads cold = reads().minus(before);
            int extents = READ / EXTENT;
            assertEquals(0, cold.gets, "whole-object GETs for one READ");
            assertEquals(extents, cold.rangeGets, "ranged GETs for a READ of " + extents + " extents");
            assertTrue(cold.rangeBytes <= (long) extents * (EXTENT + VALUE_OVERHEAD_MAX),
                    "fetched " + cold.rangeBytes + " bytes for a READ of " + READ);

            assertArrayEquals(Arrays.copyOfRange(data, 0, READ), client.read(0, READ).get());
            assertEquals(Reads.NONE, reads().minus(before).minus(cold), "a repeated READ goes to the store again");
        }
    }

    @Test
    void smallReadFetchesOnlyItsExtentOnEitherReplyKind() throws Exception {
        for (boolean structured : new boolean[] {true, false}) {
            NbdClient.Options options = NbdClient.Options.of("disk");
            try (NbdClient client = NbdClient.connect(address, structured ? options : options.legacy())) {
                long offset = READ + (structured ? 5L : 9L) * EXTENT + 512; // a cold extent per round
                Reads before = reads();
                assertArrayEquals(Arrays.copyOfRange(data, (int) offset, (int) offset + 4096),
                        client.read(offset, 4096).get());
                Reads cost = reads().minus(before);
                assertEquals(0, cost.gets, "whole-object GETs for a 4 KiB READ");
                assertEquals(1, cost.rangeGets, "ranged GETs for a 4 KiB READ (structured=" + structured + ")");
                assertTrue(cost.rangeBytes <= EXTENT + VALUE_OVERHEAD_MAX, "fetched " + cost.rangeBytes + " bytes");
            }
        }
    }

    @Test
    void blockStatusAndHoleReadsFetchNoData() throws Exception {
        try (NbdClient client = NbdClient.connect(address, NbdClient.Options.of("disk"))) {
            Reads before = reads();
            assertEquals(2, client.blockStatus(0, SIZE, 0).get().size()); // data, then the unwritten hole
            assertArrayEquals(new byte[1 << 20], client.read(WRITTEN, 1 << 20).get());
            assertEquals(Reads.NONE, reads().minus(before));
        }
    }

    /** Store reads so far: whole-object GETs, ranged GETs and the bytes those returned. */
    private record Reads(long gets, long rangeGets, long rangeBytes) {
        static final Reads NONE = new Reads(0, 0, 0);

        Reads minus(Reads o) {
            return new Reads(gets - o.gets, rangeGets - o.rangeGets, rangeBytes - o.rangeBytes);
        }
    }

    private Reads reads() {
        return new Reads(requests("get"), requests("get_range"),
                (long) registry.get("cairn.store.bytes").tags("op", "get_range", "direction", "in").counter().count());
    }

    private long requests(String op) {
        return registry.find("cairn.store.requests").tag("op", op).timers().stream().mapToLong(Timer::count).sum();
    }
}
