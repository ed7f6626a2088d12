package cairn.engine.fs;

import cairn.engine.fs.schema.FsKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.FsFixture.filled;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Truncates that cut off many extents cost one small batch: the cut extents become stale (invisible at once)
 * and the background reclaimer deletes them, also after a crash; writes into a cut range survive the reclaim.
 */
class LargeTruncateTest {
    private static final int E = 4096;
    private static final int EXTENTS = 40;
    private final FsFixture fx = new FsFixture(FsOptions.defaults().withExtentBytes(E).withInlineDeleteExtents(4)
            .withReclaimBatchExtents(3));
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    private long bigFile(String name, int value) {
        long f = fx.fs.create(root, ROOT_INODE, name, 0644, true).ino();
        for (int i = 0; i < EXTENTS; i++) fx.fs.write(root, f, (long) i * E, filled(E, value));
        return f;
    }

    private long extentKeys(long ino) {
        return fx.db.keys().stream().filter(k -> k[0] == FsKeys.EXTENT && FsKeys.idAt(k, 1) == ino).count();
    }

    /** Stops the reclaimer (the filesystem keeps serving) so the stale extents stay until the next open. */
    private void pauseReclaimer() {
        fx.fs.close();
    }

    @Test
    void truncateIsOneSmallBatchAndRegrowthReadsZeros() throws Exception {
        long f = bigFile("f", 7);
        pauseReclaimer();
        int barriers = fx.db.barriers();
        fx.fs.setattr(root, f, SetAttr.size(100));
        assertEquals(1, fx.db.pendingBatches(), "the truncate is one batch");
        assertEquals(barriers, fx.db.barriers());
        assertEquals(EXTENTS, extentKeys(f), "only the stale marker was written; the extents are still stored");
        assertArrayEquals(filled(100, 7), fx.fs.read(root, f, 0, 4096).data());
        fx.fs.setattr(root, f, SetAttr.size((long) EXTENTS * E));
        byte[] back = fx.fs.read(root, f, 0, EXTENTS * E).data();
        assertArrayEquals(filled(100, 7), Arrays.copyOf(back, 100));
        assertArrayEquals(new byte[EXTENTS * E - 100], Arrays.copyOfRange(back, 100, back.length), "regrown file reads zeros");
        assertEquals(List.of(new Segment(0, E, false), new Segment(E, (long) (EXTENTS - 1) * E, true)),
                fx.fs.map(f, 0, Long.MAX_VALUE));
        fx.fs.syncfs();
        CairnFileSystem after = fx.crash(); // a restart resumes the reclaim
        assertTrue(after.awaitBackgroundIdle(Duration.ofSeconds(20)));
        assertEquals(1, extentKeys(f));
        assertEquals(E, after.getattr(f).usedBytes());
        assertEquals(E, after.usedBytes());
        assertTrue(fx.db.keys().stream().noneMatch(k -> k[0] == FsKeys.TOMBSTONE), "tombstone gone");
    }

    @Test
    void writesIntoACutRangeAreKeptByTheReclaim() throws Exception {
        long f = bigFile("f", 1);
        pauseReclaimer();
        fx.fs.setattr(root, f, SetAttr.size(0));
        fx.fs.write(root, f, 0, filled(E, 2));          // at the start of the cut range
        fx.fs.write(root, f, 20L * E + 10, filled(E, 3)); // in its middle: splits it
        fx.fs.write(root, f, 30L * E, new byte[E]);      // zeros over a stale extent: a hole
        byte[] back = fx.fs.read(root, f, 0, 21 * E + 10).data();
        assertArrayEquals(filled(E, 2), Arrays.copyOf(back, E));
        assertArrayEquals(new byte[20 * E + 10 - E], Arrays.copyOfRange(back, E, 20 * E + 10));
        assertArrayEquals(filled(E, 3), Arrays.copyOfRange(back, 20 * E + 10, 21 * E + 10));
        fx.fs.syncfs();
        CairnFileSystem after = fx.crash();
        assertTrue(after.awaitBackgroundIdle(Duration.ofSeconds(20)));
        assertEquals(3, extentKeys(f), "extent 0, 20 and 21 remain");
        byte[] again = after.read(root, f, 0, 31 * E).data();
        assertArrayEquals(back, Arrays.copyOf(again, back.length));
        assertEquals(31L * E, after.getattr(f).size());
        assertEquals(3L * E, after.usedBytes());
        assertEquals(3L * E, after.getattr(f).usedBytes());
    }

    @Test
    void manySplitsStayBoundedAndAccountingStaysExact() throws Exception {
        int n = 200;
        long f = fx.fs.create(root, ROOT_INODE, "f", 0644, true).ino();
        for (int i = 0; i < n; i++) fx.fs.write(root, f, (long) i * E, filled(E, 1));
        pauseReclaimer();
        fx.fs.setattr(root, f, SetAttr.size(0));
        for (int i = n - 1; i > 0; i -= 2) fx.fs.write(root, f, (long) i * E, filled(E, 5)); // 100 splits
        for (int i = 0; i < n; i++) {
            byte[] want = i % 2 == 1 ? filled(E, 5) : new byte[E];
            assertArrayEquals(want, fx.fs.read(root, f, (long) i * E, E).data(), "extent " + i);
        }
        fx.fs.syncfs();
        CairnFileSystem after = fx.crash();
        assertTrue(after.awaitBackgroundIdle(Duration.ofSeconds(20)));
        assertEquals(n / 2, extentKeys(f));
        assertEquals((long) n / 2 * E, after.usedBytes());
        after.unlink(root, ROOT_INODE, "f");
        assertTrue(after.awaitBackgroundIdle(Duration.ofSeconds(20)));
        assertEquals(0, after.usedBytes());
        assertEquals(0, extentKeys(f));
    }

    @Test
    void removingAFileWithACutRangeReclaimsEverything() throws Exception {
        long f = bigFile("f", 9);
        fx.fs.setattr(root, f, SetAttr.size(3L * E + 5)); // partial tail, 36 stale extents
        fx.fs.write(root, f, 10L * E, filled(10, 4));
        fx.fs.unlink(root, ROOT_INODE, "f");
        assertTrue(fx.fs.awaitBackgroundIdle(Duration.ofSeconds(20)));
        assertEquals(0, fx.fs.usedBytes());
        assertEquals(0, extentKeys(f));
    }
}
