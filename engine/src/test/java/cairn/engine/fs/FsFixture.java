package cairn.engine.fs;

import cairn.engine.lsm.Db;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.RetryPolicy;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A filesystem over a {@link MemoryDb} (crash keeps a chosen prefix of the unsynced batches) or over the real
 * {@link LsmDb} on a {@link MemoryStore} (crash = the process's store calls start failing, the database is
 * dropped without close, and a writer at the next epoch opens the bucket).
 */
final class FsFixture implements AutoCloseable {
    static final Caller ALICE = new Caller(1000, 1000, new int[] {100});
    static final Caller BOB = new Caller(1001, 1001, new int[] {100});
    static final Caller CAROL = new Caller(1002, 1002, new int[0]);

    final FsOptions options;
    private final MemoryStore bucket;
    private CrashableStore process;
    private long epoch = 1;
    /** The memory database (null when the fixture runs on LsmDb). */
    MemoryDb db;
    Db lsm;
    CairnFileSystem fs;

    FsFixture(FsOptions options) {
        this.options = options;
        this.bucket = null;
        this.db = new MemoryDb();
        this.fs = CairnFileSystem.open(db, options, ValueTransform.IDENTITY);
    }

    private FsFixture(FsOptions options, MemoryStore bucket) {
        this.options = options;
        this.bucket = bucket;
        this.process = new CrashableStore(bucket);
        this.lsm = LsmDb.openWriter(process, lsmOptions(), epoch);
        this.fs = CairnFileSystem.open(lsm, options, ValueTransform.IDENTITY);
    }

    static FsFixture onLsm(FsOptions options) {
        return new FsFixture(options, new MemoryStore());
    }

    static LsmOptions lsmOptions() {
        return LsmOptions.defaults().withFlushIntervalMs(5).withWalBytes(4096, 65536).withMemtableBytesMax(64 * 1024)
                .withLargeValueBytes(1024).withPollIntervalMs(10).withGc(600_000, 0)
                .withRetry(new RetryPolicy(Duration.ofSeconds(3), Duration.ofMillis(1), Duration.ofMillis(5), () -> {}));
    }

    /** Creates a regular file (mode 0644, exclusive) in the root as root; returns its inode. */
    long createFile(String name) {
        return fs.create(Caller.ROOT, FileSystem.ROOT_INODE, name, 0644, true).ino();
    }

    /** A tailing read-only replica of the bucket (LsmDb mode only). */
    LsmDb openReader() {
        return LsmDb.openReader(bucket, lsmOptions());
    }

    /** Batches a crash may lose (unknown on LsmDb: 0). */
    int pendingBatches() {
        return db == null ? 0 : db.pendingBatches();
    }

    FsFixture() {
        this(FsOptions.defaults().withExtentBytes(4096));
    }

    /** Drops the filesystem without close, keeping {@code keep} of the batches written since the last barrier. */
    CairnFileSystem crash(int keep) {
        if (db == null) return crashLsm();
        MemoryDb after = db.crash(keep);
        fs.close(); // stops the old instance's worker; its writes reach only the dropped database
        db = after;
        fs = CairnFileSystem.open(db, options, ValueTransform.IDENTITY);
        return fs;
    }

    private CairnFileSystem crashLsm() {
        process.crash();
        try {
            fs.close();
            lsm.close();
        } catch (RuntimeException e) {
            // the dead process cannot flush; that is the point
        }
        process = new CrashableStore(bucket);
        lsm = LsmDb.openWriter(process, lsmOptions(), ++epoch);
        fs = CairnFileSystem.open(lsm, options, ValueTransform.IDENTITY);
        return fs;
    }

    CairnFileSystem crash() {
        return crash(0);
    }

    /** {@code n} bytes of value {@code v}. */
    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
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
        if (lsm != null) lsm.close();
    }
}
