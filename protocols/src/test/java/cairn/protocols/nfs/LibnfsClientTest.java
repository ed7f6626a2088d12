package cairn.protocols.nfs;

import cairn.protocols.nfs.client.NfsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** libnfs-utils (nfs-cp, nfs-ls, nfs-cat) against the server: a real, independent NFSv3 client. */
class LibnfsClientTest {
    private TestVolume volume;
    private NfsTestServer server;
    private String query;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        assumeTrue(onPath("nfs-cp") && onPath("nfs-ls") && onPath("nfs-cat"),
                "libnfs-utils is not installed (apt-get install -y libnfs-utils): skipping the libnfs client test");
        volume = new TestVolume();
        server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
        int port = server.address.getPort();
        query = "?nfsport=" + port + "&mountport=" + port + "&version=3&auto-traverse-mounts=0";
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (volume != null) volume.close();
    }

    private String url(String path) {
        return "nfs://127.0.0.1" + path + query;
    }

    @Test
    void copyInListCopyOutAndCat() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(content);
        Path in = tmp.resolve("in.bin");
        Files.write(in, content);

        run("nfs-cp", in.toString(), url("/data.bin"));
        String listing = new String(run("nfs-ls", url("/")));
        assertTrue(listing.contains("data.bin"), listing);
        assertTrue(listing.contains(String.valueOf(content.length)), listing);

        Path out = tmp.resolve("out.bin");
        run("nfs-cp", url("/data.bin"), out.toString());
        assertEquals(sha256(content), sha256(Files.readAllBytes(out)));
        assertArrayEquals(content, run("nfs-cat", url("/data.bin")));

        try (var nfs = NfsClient.connect(server.address)) {
            var fh = nfs.lookup(nfs.mount("/"), "data.bin").fh();
            assertEquals(content.length, nfs.getattr(fh).size());
        }
    }

    private byte[] run(String... command) throws IOException, InterruptedException {
        var err = tmp.resolve("stderr-" + command[0]).toFile();
        var p = new ProcessBuilder(List.of(command)).redirectError(err).start();
        var stdout = new ArrayList<byte[]>();
        var reader = Thread.ofVirtual().start(() -> {
            try {
                stdout.add(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                stdout.add(new byte[0]);
            }
        });
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly();
        reader.join();
        assertTrue(finished, String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + Files.readString(err.toPath()));
        return stdout.getFirst();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
