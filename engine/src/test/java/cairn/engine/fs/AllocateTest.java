package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.FsFixture.filled;
import static cairn.engine.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** fallocate: allocated space reads as zeros, is charged at once (ENOSPC now, not at a later write). */
class AllocateTest {
    private static final int E = 4096;
    private final FsFixture fx = new FsFixture(FsOptions.defaults().withExtentBytes(E).withMaxSizeBytes(10 * E));
    private final CairnFileSystem fs = fx.fs;
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void allocatedSpaceReadsZerosAndLaterWritesNeedNoSpace() {
        long f = fx.createFile("f");
        Attr a = fs.allocate(root, f, 0, 4 * E, false);
        assertEquals(4 * E, a.size());
        assertEquals(4 * E, a.usedBytes());
        assertEquals(4 * E, fs.usedBytes());
        assertArrayEquals(new byte[4 * E], fs.read(root, f, 0, 4 * E).data());
        assertEquals(List.of(new Segment(0, 4 * E, false)), fs.map(f, 0, Long.MAX_VALUE), "allocated, not a hole");
        long g = fx.createFile("g");
        fs.write(root, g, 0, filled(6 * E, 1)); // the quota is now full
        assertErrno(Errno.ENOSPC, () -> fs.write(root, g, 6 * E, new byte[] {1}));
        fs.write(root, f, 0, filled(4 * E, 2)); // the reservation covers it
        fs.write(root, f, E + 7, filled(5, 3));
        assertEquals(10 * E, fs.usedBytes());
        byte[] back = fs.read(root, f, 0, 4 * E).data();
        assertEquals(2, back[0]);
        assertEquals(3, back[E + 7]);
    }

    @Test
    void enospcAtAllocateTimeChangesNothing() {
        long g = fx.createFile("g");
        fs.write(root, g, 0, filled(8 * E, 1));
        long f = fx.createFile("f");
        assertErrno(Errno.ENOSPC, () -> fs.allocate(root, f, 0, 3 * E, false));
        assertEquals(0, fs.getattr(f).size());
        assertEquals(8 * E, fs.usedBytes());
        fs.allocate(root, f, 0, 2 * E, false);
        assertEquals(10 * E, fs.usedBytes());
    }

    @Test
    void keepSizeAllocatesHolesInsideTheFileOnly() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(100, 1));
        fs.write(root, f, 2L * E, filled(100, 2)); // size 2E+100, hole at extent 1
        Attr a = fs.allocate(root, f, E, 20L * E, true);
        assertEquals(2L * E + 100, a.size());
        assertEquals(2L * E + 100, a.usedBytes(), "extent 1 allocated, nothing past the size");
        assertEquals(List.of(new Segment(0, 2L * E + 100, false)), fs.map(f, 0, Long.MAX_VALUE));
        assertArrayEquals(new byte[E], fs.read(root, f, E, E).data());
    }

    @Test
    void allocatingPastTheEndLeavesTheGapAHole() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(100, 1));
        Attr a = fs.allocate(root, f, 3L * E, E, false);
        assertEquals(4L * E, a.size());
        assertEquals(2L * E, a.usedBytes(), "the old tail now covers its extent, plus the allocated one");
        assertEquals(List.of(new Segment(0, E, false), new Segment(E, 2L * E, true), new Segment(3L * E, E, false)),
                fs.map(f, 0, Long.MAX_VALUE));
        assertArrayEquals(filled(100, 1), fs.read(root, f, 0, 100).data());
    }

    @Test
    void zeroRangeIsPunchThenAllocate() {
        long f = fx.createFile("f");
        fs.write(root, f, 0, filled(3 * E, 9));
        fs.punchHole(root, f, E / 2, 2 * E);
        fs.allocate(root, f, E / 2, 2 * E, true);
        byte[] back = fs.read(root, f, 0, 3 * E).data();
        for (int i = 0; i < 3 * E; i++) assertEquals(i >= E / 2 && i < E / 2 + 2 * E ? 0 : 9, back[i], "byte " + i);
        assertEquals(3 * E, fs.usedBytes(), "the range stays allocated");
        assertEquals(List.of(new Segment(0, 3 * E, false)), fs.map(f, 0, Long.MAX_VALUE));
    }

    @Test
    void zerosWrittenOverAnAllocatedExtentMakeAHole() {
        long f = fx.createFile("f");
        fs.allocate(root, f, 0, 2 * E, false);
        fs.write(root, f, 0, new byte[E]);
        assertEquals(E, fs.usedBytes());
        assertEquals(List.of(new Segment(0, E, true), new Segment(E, E, false)), fs.map(f, 0, Long.MAX_VALUE));
    }

    @Test
    void largeAllocationsAreCheckedFirstThenStoredInBatches() throws Exception {
        try (FsFixture big = new FsFixture(FsOptions.defaults().withExtentBytes(E).withMaxSizeBytes(6000L * E))) {
            long f = big.createFile("f");
            big.fs.syncfs();
            assertErrno(Errno.ENOSPC, () -> big.fs.allocate(root, f, 0, 7000L * E, false));
            assertEquals(0, big.db.pendingBatches(), "refused before any batch");
            Attr a = big.fs.allocate(root, f, 0, 5000L * E, false);
            assertEquals(5000L * E, a.usedBytes());
            assertEquals(2, big.db.pendingBatches(), "4096 extents per batch");
            big.fs.syncfs();
            CairnFileSystem after = big.crash();
            assertEquals(5000L * E, after.usedBytes());
            assertEquals(List.of(new Segment(0, 5000L * E, false)), after.map(f, 0, Long.MAX_VALUE));
        }
    }

    @Test
    void invalidArgumentsAndPermissions() {
        long f = fx.createFile("f");
        assertErrno(Errno.EINVAL, () -> fs.allocate(root, f, 0, 0, false));
        assertErrno(Errno.EINVAL, () -> fs.allocate(root, f, -1, 10, false));
        assertErrno(Errno.EFBIG, () -> fs.allocate(root, f, CairnFileSystem.MAX_FILE_BYTES, 1, false));
        assertErrno(Errno.EISDIR, () -> fs.allocate(root, ROOT_INODE, 0, 1, false));
        assertErrno(Errno.EACCES, () -> fs.allocate(FsFixture.CAROL, f, 0, 1, false));
    }
}
