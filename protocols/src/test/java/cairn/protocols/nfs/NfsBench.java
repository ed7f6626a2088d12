package cairn.protocols.nfs;

import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.client.NfsFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;

/**
 * Rough end-to-end numbers through the Java client, the server and the real engine on an in-memory bucket.
 * Not a test: run with {@code ./mvnw -o -pl protocols -am test -Dtest=NfsBench -Dcairn.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "cairn.bench", matches = "true")
class NfsBench {

    @Test
    void measure() throws Exception {
        try (var volume = new TestVolume(); var server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
             var nfs = server.root()) {
            byte[] root = nfs.mount("/");
            for (int i = 0; i < 500; i++) nfs.getattr(root); // warm-up
            int calls = 5000;
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) nfs.getattr(root);
            report("GETATTR sequential", calls, System.nanoTime() - t0, "calls");

            int threads = 16;
            t0 = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var fs = new ArrayList<Future<?>>();
                for (int t = 0; t < threads; t++) fs.add(pool.submit(() -> {
                    for (int i = 0; i < calls / threads; i++) nfs.getattr(root);
                }));
                for (var f : fs) f.get();
            }
            report("GETATTR 16 in flight", calls, System.nanoTime() - t0, "calls");

            byte[] fh = nfs.create(root, "big", Nfs3.GUARDED, SetAttr.NONE).fh();
            byte[] chunk = new byte[1 << 20];
            new Random(1).nextBytes(chunk);
            int mib = 128;
            var writer = new NfsFileWriter(nfs, fh, 64L << 20);
            t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) writer.write((long) i << 20, chunk);
            writer.commit();
            report("WRITE 1 MiB UNSTABLE + COMMIT", mib, System.nanoTime() - t0, "MiB");
            t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) nfs.read(fh, (long) i << 20, 1 << 20);
            report("READ 1 MiB", mib, System.nanoTime() - t0, "MiB");

            int files = 300;
            t0 = System.nanoTime();
            for (int i = 0; i < files; i++) {
                byte[] f = nfs.create(root, "small-" + i, Nfs3.GUARDED, SetAttr.NONE).fh();
                nfs.write(f, 0, new byte[4096], Nfs3.UNSTABLE);
                nfs.commit(f, 0, 0);
            }
            report("CREATE + 4 KiB WRITE + COMMIT", files, System.nanoTime() - t0, "files");
        }
    }

    private static void report(String what, long n, long nanos, String unit) {
        System.out.printf("BENCH %-32s %10.1f %s/s%n", what, n / (nanos / 1e9), unit);
    }
}
