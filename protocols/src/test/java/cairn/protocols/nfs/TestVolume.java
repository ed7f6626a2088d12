package cairn.protocols.nfs;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;

/**
 * The real filesystem over the real LSM engine on an in-memory bucket. The flush timer is long, so nothing
 * becomes durable except through a barrier: a {@link #crash} loses exactly what was not fsynced.
 */
final class TestVolume implements AutoCloseable {
    private static final LsmOptions LSM = LsmOptions.defaults().withFlushIntervalMs(60_000);

    private final MemoryStore bucket = new MemoryStore();
    private long epoch = 1;
    private LsmDb db;
    CairnFileSystem fs;

    TestVolume() {
        open();
    }

    private void open() {
        db = LsmDb.openWriter(bucket, LSM, epoch);
        fs = CairnFileSystem.open(db, FsOptions.defaults(), ValueTransform.IDENTITY);
    }

    /**
     * A crash followed by a takeover: a writer at the next epoch fences this one (whose unflushed state is
     * lost), then the old instances are dropped. Returns the new filesystem.
     */
    CairnFileSystem crash() {
        var oldFs = fs;
        var oldDb = db;
        epoch++;
        open();
        try {
            oldFs.close();
            oldDb.close();
        } catch (RuntimeException fenced) {
            // the old writer is fenced: closing it may fail, and must not make anything durable
        }
        return fs;
    }

    @Override
    public void close() {
        fs.close();
        db.close();
    }
}
