package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.LockRequest.Type.READ;
import static cairn.engine.fs.LockRequest.Type.UNLOCK;
import static cairn.engine.fs.LockRequest.Type.WRITE;
import static org.junit.jupiter.api.Assertions.*;

/** Advisory byte-range locks with POSIX split/merge semantics. */
class LockTest {
    private final FsFixture fx = new FsFixture();
    private final CairnFileSystem fs = fx.fs;
    private final LockOwner a = new LockOwner("s1", 1), b = new LockOwner("s2", 1), a2 = new LockOwner("s1", 2);
    private final long f = fs.create(Caller.ROOT, ROOT_INODE, "f", 0644, true).ino();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void readLocksShareWriteLocksExclude() {
        assertTrue(fs.lock(f, new LockRequest(a, READ, 0, 100)));
        assertTrue(fs.lock(f, new LockRequest(b, READ, 50, 100)));
        assertFalse(fs.lock(f, new LockRequest(a2, WRITE, 90, 1)));
        assertEquals(new LockRequest(a, READ, 0, 100), fs.testLock(f, new LockRequest(a2, WRITE, 0, 10)));
        assertNull(fs.testLock(f, new LockRequest(a2, READ, 0, 10)));
        assertTrue(fs.lock(f, new LockRequest(a2, WRITE, 150, 0)), "beyond both read locks");
        assertFalse(fs.lock(f, new LockRequest(a, READ, 1000, 1)), "to-EOF write lock covers it");
    }

    @Test
    void unlockSplitsAndUpgradeReplacesOwnRange() {
        assertTrue(fs.lock(f, new LockRequest(a, WRITE, 0, 100)));
        assertTrue(fs.lock(f, new LockRequest(a, UNLOCK, 40, 20)));
        assertTrue(fs.lock(f, new LockRequest(b, WRITE, 40, 20)), "hole in the middle is free");
        assertFalse(fs.lock(f, new LockRequest(b, WRITE, 39, 2)));
        assertEquals(new LockRequest(a, WRITE, 60, 40), fs.testLock(f, new LockRequest(b, READ, 70, 1)));
        // downgrade part of own lock to read: others may now read there
        assertTrue(fs.lock(f, new LockRequest(a, READ, 0, 40)));
        assertNull(fs.testLock(f, new LockRequest(b, READ, 0, 40)));
        assertNotNull(fs.testLock(f, new LockRequest(b, WRITE, 0, 40)));
    }

    @Test
    void adjacentLocksMergeAndReleaseDropsAll() {
        assertTrue(fs.lock(f, new LockRequest(a, WRITE, 0, 10)));
        assertTrue(fs.lock(f, new LockRequest(a, WRITE, 10, 10)));
        assertEquals(new LockRequest(a, WRITE, 0, 20), fs.testLock(f, new LockRequest(b, WRITE, 5, 1)));
        fs.releaseLocks(a);
        assertNull(fs.testLock(f, new LockRequest(b, WRITE, 0, 0)));
        assertTrue(fs.lock(f, new LockRequest(b, WRITE, 0, 0)));
    }

    @Test
    void locksOnMissingInodeAreStale() {
        fs.unlink(Caller.ROOT, ROOT_INODE, "f");
        FsFixture.assertErrno(Errno.ESTALE, () -> fs.lock(f, new LockRequest(a, WRITE, 0, 1)));
        FsFixture.assertErrno(Errno.EINVAL, () -> fs.lock(ROOT_INODE, new LockRequest(a, WRITE, -1, 1)));
    }
}
