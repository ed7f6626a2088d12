package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.MemoryStore;
import cairn.protocols.ninep.client.NinepException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Tfsync is a real barrier: data written over 9P and fsynced survives a crash of the writer (the database
 * dropped without close) and a reopen at a higher epoch on the same bucket; data never fsynced is gone.
 */
class DurabilityTest {
    /** A group-commit timer far beyond the test: only barriers make anything durable. */
    private static final LsmOptions LSM = LsmOptions.defaults().withFlushIntervalMs(600_000);

    @Test
    void fsyncedWriteSurvivesCrashAndReopen() {
        var store = new MemoryStore();
        byte[] data = new byte[100_000];
        Arrays.fill(data, (byte) 7);
        data[99_999] = 42;

        LsmDb crashed = LsmDb.openWriter(store, LSM, 1);
        var fs1 = CairnFileSystem.open(crashed, FsOptions.defaults(), ValueTransform.IDENTITY);
        try (var fx = new ServerFixture(fs1, NinepOptions.defaults())) {
            var c = fx.attached(0);
            int f = c.walkClone(0);
            c.lcreate(f, "durable", O_RDWR, 0644, 0);
            c.writeAll(f, 0, data);
            c.fsync(f);
            int g = c.walkClone(0);
            c.lcreate(g, "volatile", O_RDWR, 0644, 0);
            c.write(g, 0, new byte[] {1});
        } // the server stops; the filesystem and database are dropped without close: a crash

        try (LsmDb reopened = LsmDb.openWriter(store, LSM, 2);
             var fs2 = CairnFileSystem.open(reopened, FsOptions.defaults(), ValueTransform.IDENTITY);
             var fx = new ServerFixture(fs2, NinepOptions.defaults())) {
            var c = fx.attached(0);
            int f = c.newFid();
            c.walk(0, f, "durable");
            c.lopen(f, O_RDONLY);
            assertArrayEquals(data, c.readAll(f, 0));
            var lost = assertThrows(NinepException.class, () -> c.walk(0, c.newFid(), "volatile"));
            assertEquals(2, lost.errno(), "never fsynced, so lost with the crashed writer");
        } finally {
            fs1.close(); // the fenced writer's threads; nothing it does can reach the bucket now
        }
    }
}
