package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.FsFixture.filled;
import static cairn.engine.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** Extents, holes, truncate, punchHole, allocate, map, space accounting, quota and background deletes. */
class FileDataTest {
    private static final int E = 4096;
    private final FsFixture fx = new FsFixture(FsOptions.defaults().withExtentBytes(E).withInlineDeleteExtents(4)
            .withReclaimBatchExtents(3));
    private final CairnFileSystem fs = fx.fs;
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void writesReadBackAcrossExtentBoundaries() {
        long f = fx.createFile("f");
        byte[] data = new byte[3 * E + 123];
        new Random(1).nextBytes(data);
        fs.write(root, f, 100, data);
        assertEquals(100 + data.length, fs.getattr(f).size());
        ReadResult r = fs.read(root, f, 0, 100 + data.length + 50);
        assertTrue(r.eof());
        assertArrayEquals(new byte[100], Arrays.copyOf(r.data(), 100));
        assertArrayEquals(data, Arrays.copyOfRange(r.data(), 100, 100 + data.length));
        ReadResult mid = fs.read(root, f, E - 10, 20);
        assertFalse(mid.eof());
        assertArrayEquals(Arrays.copyOfRange(data, E - 110, E - 90), mid.data());
        assertEquals(0, fs.read(root, f, 1 << 30, 10).data().length);
    }

    @Test
    void sparseFilesUseOnlyWrittenExtents() {
        long f = fx.createFile("f");
        fs.write(root, f, 10L * E, new byte[] {1});
        Attr a = fs.getattr(f);
        assertEquals(10L * E + 1, a.size());
        assertEquals(1, a.usedBytes());
        assertEquals(List.of(new Segment(0, 10L * E, true), new Segment(10L * E, 1, false)), fs.map(f, 0, Long.MAX_VALUE));
        // growing the size extends the tail extent's coverage
        fs.setattr(root, f, SetAttr.size(12L * E));
        assertEquals(E, fs.getattr(f).usedBytes());
        assertEquals(E, fs.usedBytes());
        assertArrayEquals(new byte[E], fs.read(root, f, 3L * E, E).data());
    }

    @Test
    void allZeroWritesAreHoles() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(2 * E, 5));
        fs.write(root, f, 0, new byte[E]);
        assertEquals(List.of(new Segment(0, E, true), new Segment(E, E, false)), fs.map(f, 0, 2 * E));
        assertEquals(E, fs.getattr(f).usedBytes());
        fs.write(root, f, E + 10, new byte[E - 10]);
        fs.write(root, f, E, new byte[10]);
        assertEquals(List.of(new Segment(0, 2 * E, true)), fs.map(f, 0, 2 * E));
        assertEquals(0, fs.usedBytes());
    }

    @Test
    void truncateShrinksDropsAndTrimsThenRegrowsWithZeros() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(3 * E, 9));
        fs.setattr(root, f, SetAttr.size(E + 100));
        Attr a = fs.getattr(f);
        assertEquals(E + 100, a.size());
        assertEquals(E + 100, a.usedBytes());
        fs.setattr(root, f, SetAttr.size(3 * E));
        byte[] back = fs.read(root, f, 0, 3 * E).data();
        assertArrayEquals(filled(E + 100, 9), Arrays.copyOf(back, E + 100));
        assertArrayEquals(new byte[2 * E - 100], Arrays.copyOfRange(back, E + 100, 3 * E));
        assertEquals(2 * E, fs.getattr(f).usedBytes(), "tail extent now covers its whole span");
        fs.setattr(root, f, SetAttr.size(0));
        assertEquals(0, fs.getattr(f).usedBytes());
        assertEquals(0, fs.usedBytes());
    }

    @Test
    void punchHoleZeroesAndFreesWholeExtents() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(4 * E, 1));
        fs.punchHole(root, f, E / 2, 2 * E);
        assertEquals(4 * E, fs.getattr(f).size());
        byte[] back = fs.read(root, f, 0, 4 * E).data();
        for (int i = 0; i < 4 * E; i++) assertEquals(i >= E / 2 && i < E / 2 + 2 * E ? 0 : 1, back[i], "byte " + i);
        assertEquals(List.of(new Segment(0, E, false), new Segment(E, E, true), new Segment(2 * E, 2 * E, false)),
                fs.map(f, 0, 4 * E));
        assertEquals(3 * E, fs.getattr(f).usedBytes());
        fs.punchHole(root, f, 0, Long.MAX_VALUE);
        assertEquals(0, fs.usedBytes());
        assertEquals(4 * E, fs.getattr(f).size());
    }

    @Test
    void allocateExtendsSizeAndChecksQuota() {
        try (FsFixture q = new FsFixture(FsOptions.defaults().withExtentBytes(E).withMaxSizeBytes(10 * E))) {
            long f = q.fs.create(root, ROOT_INODE, "f", 0644, true).ino();
            Attr a = q.fs.allocate(root, f, 0, 5 * E, false);
            assertEquals(5 * E, a.size());
            assertEquals(5 * E, a.usedBytes(), "allocated space is charged at once");
            q.fs.allocate(root, f, 0, 9 * E, true);
            assertEquals(5 * E, q.fs.getattr(f).size(), "keepSize reserves nothing past the size");
            assertErrno(Errno.ENOSPC, () -> q.fs.allocate(root, f, 0, 11 * E, false));
            assertEquals(5 * E, q.fs.getattr(f).size(), "a refused allocate changes nothing");
        }
    }

    @Test
    void quotaRefusesWritesBeyondMaxSize() {
        try (FsFixture q = new FsFixture(FsOptions.defaults().withExtentBytes(E).withMaxSizeBytes(8 * E))) {
            long f = q.fs.create(root, ROOT_INODE, "f", 0644, true).ino();
            q.fs.write(root, f, 0, filled(8 * E, 1));
            assertErrno(Errno.ENOSPC, () -> q.fs.write(root, f, 8 * E, new byte[] {1}));
            assertEquals(8 * E, q.fs.getattr(f).size(), "failed write changed nothing");
            q.fs.write(root, f, 0, filled(E, 2)); // overwrite needs no new space
            StatFs st = q.fs.statfs();
            assertEquals(8 * E, st.totalBytes());
            assertEquals(0, st.freeBytes());
            q.fs.setattr(root, f, SetAttr.size(E));
            assertEquals(7 * E, q.fs.statfs().freeBytes());
            q.fs.write(root, f, E, new byte[] {3});
        }
    }

    @Test
    void largeFilesAreDeletedInTheBackgroundWithExactAccounting() throws Exception {
        long f = fx.createFile("big");
        for (int i = 0; i < 20; i++) fs.write(root, f, (long) i * E, filled(E, i + 1));
        long small = fx.createFile("small");
        fs.write(root, small, 0, filled(100, 1));
        assertEquals(20L * E + 100, fs.usedBytes());
        fs.unlink(root, ROOT_INODE, "big");
        assertErrno(Errno.ESTALE, () -> fs.getattr(f));
        assertTrue(fs.awaitBackgroundIdle(Duration.ofSeconds(10)));
        assertEquals(100, fs.usedBytes());
        assertTrue(fx.db.keys().stream().noneMatch(k -> k[0] == cairn.engine.fs.schema.FsKeys.EXTENT
                && cairn.engine.fs.schema.FsKeys.idAt(k, 1) == f), "no extent of the big file left");
    }

    @Test
    void backgroundDeleteResumesAfterCrash() throws Exception {
        long f = fx.createFile("big");
        for (int i = 0; i < 30; i++) fs.write(root, f, (long) i * E, filled(E, 1));
        fs.syncfs();
        fs.close(); // stop the worker so the tombstone is still pending at the crash
        fx.fs.unlink(root, ROOT_INODE, "big");
        fx.db.barrier();
        CairnFileSystem after = fx.crash();
        assertTrue(after.awaitBackgroundIdle(Duration.ofSeconds(10)));
        assertEquals(0, after.usedBytes());
    }

    @Test
    void writeBeyondMaxFileSizeIsEfbig() {
        long f = fx.createFile("f");
        assertErrno(Errno.EFBIG, () -> fs.write(root, f, CairnFileSystem.MAX_FILE_BYTES, new byte[1]));
        assertErrno(Errno.EINVAL, () -> fs.write(root, f, -1, new byte[1]));
        assertErrno(Errno.EISDIR, () -> fs.write(root, ROOT_INODE, 0, new byte[1]));
    }

    @Test
    void statfsCountsInodes() {
        long before = fs.statfs().freeInodes();
        fx.createFile("a");
        fs.mkdir(root, ROOT_INODE, "d", 0755);
        assertEquals(before - 2, fs.statfs().freeInodes());
        fs.unlink(root, ROOT_INODE, "a");
        assertEquals(before - 1, fs.statfs().freeInodes());
    }
}
