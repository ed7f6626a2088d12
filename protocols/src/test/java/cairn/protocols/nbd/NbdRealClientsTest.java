package cairn.protocols.nbd;

import cairn.protocols.nbd.client.NbdClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real NBD clients against our server: libnbd's nbdinfo and nbdcopy (Debian libnbd-bin) and qemu-img/qemu-io
 * (qemu-utils). Each test skips, saying which package is missing, when its tool is not installed.
 */
class NbdRealClientsTest {
    private static final long IMAGE_BYTES = 16L << 20;
    private static TestServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(NbdOptions.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Result(int exit, String output) {}

    private static void requireTool(String tool, String debianPackage) {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        assumeTrue(found, tool + " not installed (apt-get install " + debianPackage + "); skipping");
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String runOk(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        assertEquals(0, r.exit(), String.join(" ", command) + " failed:\n" + r.output());
        return r.output();
    }

    /** A 16 MiB image: random data with a 4 MiB run of zeros in the middle. */
    private Path image(int seed) throws IOException {
        byte[] data = new byte[(int) IMAGE_BYTES];
        new Random(seed).nextBytes(data);
        Arrays.fill(data, 4 << 20, 8 << 20, (byte) 0);
        Path file = tmp.resolve("image-" + seed + ".img");
        Files.write(file, data);
        return file;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void nbdinfoListsExports() throws Exception {
        requireTool("nbdinfo", "libnbd-bin");
        NbdDevices.create(server.fs, "listed", 1 << 20);
        String out = runOk("nbdinfo", "--list", "nbd://127.0.0.1:" + server.address.getPort());
        assertTrue(out.contains("disk") && out.contains("listed"), out);
    }

    @Test
    void nbdinfoShowsSizeAndMapShowsHoles() throws Exception {
        requireTool("nbdinfo", "libnbd-bin");
        NbdDevices.create(server.fs, "mapped", 4 << 20);
        try (NbdClient c = NbdClient.connect(server.address(), NbdClient.Options.of("mapped"))) {
            c.write(0, new byte[65536]).get();
            byte[] ones = new byte[65536];
            Arrays.fill(ones, (byte) 1);
            c.write(1 << 20, ones).get();
        }
        String info = runOk("nbdinfo", server.uri("mapped"));
        assertTrue(info.contains("4194304"), info);
        assertTrue(info.contains("can_multi_conn: true") || info.contains("multi-conn"), info);
        String map = runOk("nbdinfo", "--map", server.uri("mapped"));
        List<String> lines = map.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertEquals(3, lines.size(), map);
        assertTrue(lines.get(0).matches("0\\s+1048576\\s+3\\s+hole,zero"), map);
        assertTrue(lines.get(1).matches("1048576\\s+65536\\s+0\\s+data"), map);
        assertTrue(lines.get(2).matches("1114112\\s+3080192\\s+3\\s+hole,zero"), map);
    }

    @Test
    void nbdcopyInAndOutKeepsTheBytes() throws Exception {
        requireTool("nbdcopy", "libnbd-bin");
        NbdDevices.create(server.fs, "copy", IMAGE_BYTES);
        Path in = image(1);
        Path out = tmp.resolve("out.img");
        runOk("nbdcopy", in.toString(), server.uri("copy"));
        runOk("nbdcopy", server.uri("copy"), out.toString());
        assertEquals(sha256(in), sha256(out));
        String map = runOk("nbdinfo", "--map", server.uri("copy"));
        assertTrue(map.contains("hole"), "nbdcopy left the zero run sparse:\n" + map);
    }

    @Test
    void qemuImgConvertsInAndOut() throws Exception {
        requireTool("qemu-img", "qemu-utils");
        NbdDevices.create(server.fs, "qimg", IMAGE_BYTES);
        Path in = image(2);
        Path out = tmp.resolve("qout.img");
        runOk("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), server.uri("qimg"));
        runOk("qemu-img", "convert", "-f", "raw", "-O", "raw", server.uri("qimg"), out.toString());
        assertEquals(sha256(in), sha256(out));
        String info = runOk("qemu-img", "info", server.uri("qimg"));
        assertTrue(info.contains("16 MiB"), info);
    }

    @Test
    void qemuIoWritesAndVerifiesAPattern() throws Exception {
        requireTool("qemu-io", "qemu-utils");
        NbdDevices.create(server.fs, "qio", 4 << 20);
        String out = runOk("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "read -P 0xab 0 1M",
                "-c", "flush", server.uri("qio"));
        assertFalse(out.contains("failed") || out.contains("error"), out);
        try (NbdClient c = NbdClient.connect(server.address(), NbdClient.Options.of("qio"))) {
            byte[] expected = new byte[1 << 20];
            Arrays.fill(expected, (byte) 0xab);
            assertArrayEquals(expected, c.read(0, 1 << 20).get());
        }
    }

    @Test
    void nbdinfoOverAUnixSocket() throws Exception {
        requireTool("nbdinfo", "libnbd-bin");
        Path socket = tmp.resolve("nbd.sock");
        List<String> names = new ArrayList<>();
        try (NbdServer unix = new NbdServer(server.fs, NbdOptions.defaults())) {
            unix.start(UnixDomainSocketAddress.of(socket));
            String info = runOk("nbdinfo", "nbd+unix:///disk?socket=" + socket);
            assertTrue(info.contains(Long.toString(TestServer.SIZE)), info);
            names.addAll(NbdClient.list(UnixDomainSocketAddress.of(socket)));
            try (NbdClient c = NbdClient.connect(UnixDomainSocketAddress.of(socket), NbdClient.Options.of("disk"))) {
                c.write(512, new byte[] {1, 2, 3}).get();
                assertEquals(2, c.read(512, 512).get()[1]);
            }
        }
        assertTrue(names.contains("disk"), names.toString());
    }
}
