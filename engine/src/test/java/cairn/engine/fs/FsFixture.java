package cairn.engine.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A filesystem over a {@link MemoryDb}, with crash-and-reopen. */
final class FsFixture implements AutoCloseable {
    static final Caller ALICE = new Caller(1000, 1000, new int[] {100});
    static final Caller BOB = new Caller(1001, 1001, new int[] {100});
    static final Caller CAROL = new Caller(1002, 1002, new int[0]);

    final FsOptions options;
    MemoryDb db;
    CairnFileSystem fs;

    FsFixture(FsOptions options) {
        this.options = options;
        this.db = new MemoryDb();
        this.fs = CairnFileSystem.open(db, options, ValueTransform.IDENTITY);
    }

    FsFixture() {
        this(FsOptions.defaults().withExtentBytes(4096));
    }

    /** Drops the filesystem without close, keeping {@code keep} of the batches written since the last barrier. */
    CairnFileSystem crash(int keep) {
        MemoryDb after = db.crash(keep);
        fs.close(); // stops the old instance's worker; its writes reach only the dropped database
        db = after;
        fs = CairnFileSystem.open(db, options, ValueTransform.IDENTITY);
        return fs;
    }

    CairnFileSystem crash() {
        return crash(0);
    }

    static void assertErrno(Errno expected, org.junit.jupiter.api.function.Executable op) {
        assertErrno(expected, op, "");
    }

    static void assertErrno(Errno expected, org.junit.jupiter.api.function.Executable op, String why) {
        FsException e = assertThrows(FsException.class, op, why);
        assertEquals(expected, e.errno(), why + ": " + e.getMessage());
    }

    @Override
    public void close() {
        fs.close();
    }
}
