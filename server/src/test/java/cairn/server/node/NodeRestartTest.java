package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.server.config.CairnConfig;
import cairn.server.config.DefaultConfig;
import cairn.server.config.ServersConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started in-process on the embedded default: data made durable survives a restart. */
class NodeRestartTest {
    @TempDir
    Path dir;

    private CairnConfig config() {
        var defaults = DefaultConfig.embedded(dir);
        // No listeners: this test talks to the filesystem directly.
        var none = new ServersConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        return new CairnConfig(defaults.source(), defaults.storage(), defaults.cache(), none, defaults.aws(),
                defaults.ha(), defaults.engine(), defaults.filesystem());
    }

    @Test
    void dataWrittenBeforeABarrierSurvivesARestart() throws Exception {
        var config = config();
        byte[] content = "hello, cairn\n".getBytes(StandardCharsets.UTF_8);
        try (var node = Node.start(config, false)) {
            assertTrue(node.status().ready());
            assertEquals(1, node.status().epoch());
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "greeting", 0644, true).ino();
            fs.write(Caller.ROOT, ino, 0, content);
            fs.fsync(ino);
        }
        Path key = dir.resolve("cairn-data/key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), "generated key file is private");
        byte[] keyBefore = Files.readAllBytes(key);

        try (var node = Node.start(config, false)) {
            assertEquals(2, node.status().epoch(), "a restart claims the next epoch");
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "greeting").ino();
            assertArrayEquals(content, fs.read(Caller.ROOT, ino, 0, 4096).data());
            assertTrue(fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, ".nbd").type().name().equals("DIRECTORY"));
        }
        assertArrayEquals(keyBefore, Files.readAllBytes(key), "the key file is generated once");
    }

    @Test
    void readOnlyNodeSeesTheDataButIsNotTheLeader() throws Exception {
        var config = config();
        try (var node = Node.start(config, false)) {
            FileSystem fs = node.fileSystem().orElseThrow();
            fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, "dir", 0755);
            fs.syncfs();
        }
        try (var node = Node.start(config, true)) {
            assertTrue(node.status().ready());
            assertTrue(!node.status().leader(), "a read-only node never claims the writer role");
            FileSystem fs = node.fileSystem().orElseThrow();
            assertTrue(fs.readOnly());
            assertEquals("DIRECTORY", fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "dir").type().name());
        }
    }

    @Test
    void theDiskCacheKeepsValueRangesAcrossARestart() throws Exception {
        var config = config();
        byte[] content = new byte[256 << 10];
        new java.util.Random(1).nextBytes(content);
        try (var node = Node.start(config, false)) {
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "big", 0644, true).ino();
            fs.write(Caller.ROOT, ino, 0, content);
            fs.fsync(ino);
            assertArrayEquals(content, fs.read(Caller.ROOT, ino, 0, content.length).data()); // durable extents: read from the store
            var registry = node.metrics().registry();
            assertEquals(config.cache().diskBytes(), registry.get("cairn.lsm.disk.cache.capacity.bytes").gauge().value());
            assertTrue(registry.get("cairn.lsm.disk.cache.bytes").gauge().value() >= content.length, "extents kept on disk");
            String scrape = registry.scrape();
            for (String name : java.util.List.of("cairn_lsm_disk_cache_requests_total{", "cairn_lsm_disk_cache_bytes ",
                    "cairn_lsm_disk_cache_capacity_bytes ", "cairn_lsm_disk_cache_evictions_total ", "cairn_lsm_disk_cache_corrupt_total ",
                    "cairn_lsm_value_cache_requests_total{")) {
                assertTrue(scrape.contains(name), "the alert rules' series " + name); // ops/prometheus/cairn-rules.yml
            }
        }
        assertTrue(Files.exists(config.cache().diskDir().resolve("lock")), "disk cache under [cache] dir by default");
        try (var node = Node.start(config, false)) {
            var registry = node.metrics().registry();
            assertTrue(registry.get("cairn.lsm.disk.cache.bytes").gauge().value() >= content.length, "the cache survived the restart");
            FileSystem fs = node.fileSystem().orElseThrow();
            long ino = fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "big").ino();
            assertArrayEquals(content, fs.read(Caller.ROOT, ino, 0, content.length).data());
        }
    }
}
