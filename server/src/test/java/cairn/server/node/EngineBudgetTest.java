package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cairn.engine.lsm.LsmOptions;
import cairn.server.config.ConfigLoader;
import cairn.server.metrics.Metrics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memory_size_gb} reaches the engine: caches, memtable and WAL buffers fit the configured budget. */
class EngineBudgetTest {
    @TempDir
    Path dir;

    private LsmOptions options(String cache) {
        var config = new ConfigLoader(Map.of()).parse("""
                [storage]
                url = "file://store"
                password = "pw"
                [cache]
                dir = "cache"
                """ + cache, "budget.toml", dir);
        try (var metrics = new Metrics(new NodeStatus())) {
            return VolumeStage.lsmOptions(config, metrics, null);
        }
    }

    @Test
    void aQuarterGibBudgetBoundsCachesMemtableAndWal() {
        var o = options("memory_size_gb = 0.25\n");
        long mib = 1 << 20;
        assertEquals(64 * mib, o.valueCacheBytesMax());
        assertEquals(64 * mib, o.tableCacheBytesMax());
        assertEquals(32 * mib, o.memtableBytesMax());
        assertEquals(32 * mib, o.walUnflushedBytesMax());
    }

    @Test
    void aLargeBudgetGrowsTheCachesButKeepsTheConfiguredMemtable() {
        var o = options("memory_size_gb = 4\n");
        assertEquals(1L << 30, o.valueCacheBytesMax());
        assertEquals(1L << 30, o.tableCacheBytesMax());
        assertEquals(LsmOptions.defaults().memtableBytesMax(), o.memtableBytesMax());
    }
}
