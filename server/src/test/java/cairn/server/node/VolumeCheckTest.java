package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.fs.Caller;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.server.config.CairnConfig;
import cairn.server.config.DefaultConfig;
import cairn.server.config.ServersConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeCheckTest {
    @TempDir
    Path dir;

    private CairnConfig config() {
        var d = DefaultConfig.embedded(dir);
        var none = new ServersConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        return new CairnConfig(d.source(), d.storage(), d.cache(), none, d.aws(), d.ha(), d.engine(), d.filesystem());
    }

    @Test
    void walksEveryInodeOfAStoppedNodesVolume() throws Exception {
        var config = config();
        try (var node = Node.start(config, false)) {
            FileSystem fs = node.fileSystem().orElseThrow();
            long sub = fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, "sub", 0755).ino();
            long file = fs.create(Caller.ROOT, sub, "data", 0644, true).ino();
            fs.write(Caller.ROOT, file, 0, new byte[100_000]);
            fs.write(Caller.ROOT, file, 200_000, new byte[] {1});
            fs.symlink(Caller.ROOT, FileSystem.ROOT_INODE, "link", "sub/data");
            fs.syncfs();
        }
        var report = VolumeCheck.run(config, true);
        assertTrue(report.clean(), report.problems().toString());
        assertEquals(3, report.directories(), "/, /.nbd and /sub");
        assertEquals(1, report.files());
        assertEquals(1, report.others());
        assertEquals(200_001, report.bytesRead());
        assertEquals(0, VolumeCheck.run(config, false).bytesRead(), "metadata only");
    }

    @Test
    void unreadableDataIsReportedWithItsPath() throws Exception {
        var config = config();
        try (var node = Node.start(config, false)) {
            FileSystem real = node.fileSystem().orElseThrow();
            long file = real.create(Caller.ROOT, FileSystem.ROOT_INODE, "bad", 0644, true).ino();
            real.write(Caller.ROOT, file, 0, new byte[10]);
            // The same filesystem, except that reading "bad" fails as a checksum mismatch would.
            FileSystem broken = (FileSystem) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FileSystem.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("read") && (long) args[1] == file) throw new FsException(Errno.EIO, "checksum mismatch");
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            var report = VolumeCheck.check(broken, true);
            assertEquals(1, report.problems().size(), report.problems().toString());
            assertTrue(report.problems().get(0).startsWith("/bad: "), report.problems().get(0));
        }
    }
}
