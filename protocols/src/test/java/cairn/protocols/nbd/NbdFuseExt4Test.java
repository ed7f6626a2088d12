package cairn.protocols.nbd;

import cairn.engine.testing.Await;
import cairn.protocols.nbd.client.Extent;
import cairn.protocols.nbd.client.NbdClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ext4 on our NBD export without the kernel nbd module: nbdfuse exposes the export as a file, a loop device
 * turns it into a block device, then mkfs.ext4, mount, write, umount and e2fsck. Needs root, /dev/fuse,
 * /dev/loop-control and libnbd-bin + e2fsprogs + mount; skips with the reason otherwise.
 */
class NbdFuseExt4Test {
    private static final long SIZE = 64L << 20;

    @TempDir
    Path tmp;

    private static boolean onPath(String tool) {
        return Arrays.stream((System.getenv("PATH") + ":/usr/sbin:/sbin").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out.trim();
    }

    private static void quietly(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // cleanup is best effort
        }
    }

    @Test
    void ext4OnNbdfuseAndALoopDevice() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (loop devices, mount); skipping");
        assumeTrue(Files.exists(Path.of("/dev/fuse")) && Files.exists(Path.of("/dev/loop-control")),
                "needs /dev/fuse and /dev/loop-control; skipping");
        for (String tool : List.of("nbdfuse", "mkfs.ext4", "e2fsck", "losetup", "mount", "umount")) {
            assumeTrue(onPath(tool), tool + " not installed (libnbd-bin, e2fsprogs, mount); skipping");
        }
        Path fuse = Files.createDirectory(tmp.resolve("fuse"));
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        Path device = fuse.resolve("nbd");
        List<Runnable> cleanup = new ArrayList<>();
        try (TestServer server = new TestServer(NbdOptions.defaults())) {
            NbdDevices.create(server.fs, "ext4", SIZE);
            Process nbdfuse = new ProcessBuilder("nbdfuse", fuse.toString(), server.uri("ext4"))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("nbdfuse.log").toFile()).start();
            cleanup.add(0, nbdfuse::destroy);
            cleanup.add(0, () -> quietly("umount", "-l", fuse.toString()));
            Await.until("nbdfuse exposes the export", Duration.ofSeconds(60), () -> Files.exists(device));

            run("mkfs.ext4", "-q", "-F", device.toString());
            String loop = run("losetup", "-f", "--show", device.toString());
            cleanup.add(0, () -> quietly("losetup", "-d", loop));
            run("mount", loop, mnt.toString());
            cleanup.add(0, () -> quietly("umount", "-l", mnt.toString()));
            byte[] data = new byte[3 << 20];
            new Random(5).nextBytes(data);
            Files.write(mnt.resolve("file.bin"), data);
            run("sync");
            run("umount", mnt.toString());
            run("mount", "-o", "ro", loop, mnt.toString());
            assertArrayEquals(data, Files.readAllBytes(mnt.resolve("file.bin")));
            run("umount", mnt.toString());
            run("losetup", "-d", loop);
            run("e2fsck", "-fn", device.toString());

            try (NbdClient client = NbdClient.connect(server.address(), NbdClient.Options.of("ext4"))) {
                List<Extent> extents = client.blockStatus(0, SIZE, 0).get();
                assertTrue(extents.stream().anyMatch(Extent::hole), "most of a fresh ext4 stays sparse");
                assertTrue(extents.stream().anyMatch(e -> !e.hole()), "ext4 wrote metadata and data");
            }
        } finally {
            for (Runnable r : cleanup) r.run();
        }
    }
}
