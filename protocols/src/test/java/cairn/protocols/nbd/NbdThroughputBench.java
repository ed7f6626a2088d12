package cairn.protocols.nbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Not a test: nbdcopy of 256 MiB into and out of the server (in-memory test filesystem, so it measures the
 * protocol path alone). Skipped unless run with {@code -Dnbd.bench=true}:
 * {@code ./mvnw -o -pl protocols test -Dtest=NbdThroughputBench -Dnbd.bench=true}.
 */
class NbdThroughputBench {
    private static final long BYTES = 256L << 20;

    @Test
    void nbdcopy256MiB(@TempDir Path tmp) throws Exception {
        assumeTrue(Boolean.getBoolean("nbd.bench"), "benchmark: run with -Dnbd.bench=true");
        assumeTrue(Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "nbdcopy"))), "nbdcopy missing (libnbd-bin)");
        Path in = tmp.resolve("in.img");
        byte[] block = new byte[1 << 20];
        Random random = new Random(1);
        try (var out = Files.newOutputStream(in)) {
            for (long i = 0; i < BYTES; i += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        try (TestServer server = new TestServer(NbdOptions.defaults())) {
            NbdDevices.create(server.fs, "bench", BYTES);
            String uri = server.uri("bench");
            for (String round : new String[] {"cold", "warm"}) {
                double write = time("nbdcopy", in.toString(), uri);
                double read = time("nbdcopy", uri, tmp.resolve("out.img").toString());
                System.out.printf("nbdcopy 256 MiB (%s JVM): file -> nbd %.0f MB/s, nbd -> file %.0f MB/s%n",
                        round, BYTES / 1e6 / write, BYTES / 1e6 / read);
            }
        }
    }

    private static double time(String... command) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).inheritIO().start();
        p.waitFor(10, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue());
        return (System.nanoTime() - start) / 1e9;
    }
}
