package cairn.protocols.nfs;

import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.client.NfsClient;
import cairn.protocols.nfs.client.NfsFileWriter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Honest durability over NFS on the real engine: COMMIT and FILE_SYNC are barriers, a crash loses only what
 * was not committed, the write verifier changes with the writer epoch, and a client that resends on a verifier
 * change ends up with all its data.
 */
class NfsWriteVerifierTest {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void committedDataSurvivesACrashAndTheClientResendsTheRest() {
        byte[] committed = random(100_000, 1), unstable = random(50_000, 2), fileSync = random(1000, 3);
        try (var volume = new TestVolume()) {
            var server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
            try (var nfs = server.root()) {
                byte[] root = nfs.mount("/");
                byte[] fh = nfs.create(root, "f", Nfs3.GUARDED, SetAttr.NONE).fh();
                byte[] other = nfs.create(root, "g", Nfs3.GUARDED, SetAttr.NONE).fh();
                long before = nfs.commit(fh, 0, 0); // the creates are durable now
                assertEquals(volume.fs.writeVerifier(), before);

                var writer = new NfsFileWriter(nfs, fh, 1 << 20);
                writer.write(0, committed);
                writer.commit();
                var sync = nfs.write(other, 0, fileSync, Nfs3.FILE_SYNC);
                assertEquals(Nfs3.FILE_SYNC, sync.committed());
                // after the last barrier: a barrier covers everything ordered before it, on any file
                writer.write(committed.length, unstable);

                // crash and take over on the same address at the next epoch
                server.close();
                var fs = volume.crash();
                server = new NfsTestServer(fs, NfsExportOptions.DEFAULT, server.address);

                assertEquals(committed.length, nfs.getattr(fh).size(), "exactly the uncommitted write was lost");
                assertArrayEquals(fileSync, nfs.read(other, 0, 4096).data(), "FILE_SYNC data is durable");
                writer.commit();
                assertEquals(1, writer.resentWrites());
                long after = nfs.commit(fh, 0, 0);
                assertNotEquals(before, after);
                assertEquals(fs.writeVerifier(), after);
                byte[] all = new byte[committed.length + unstable.length];
                System.arraycopy(committed, 0, all, 0, committed.length);
                System.arraycopy(unstable, 0, all, committed.length, unstable.length);
                assertArrayEquals(all, readAll(nfs, fh, all.length));
            } finally {
                server.close();
            }
        }
    }

    @Test
    void manyCallsInFlightOnOneConnection() throws Exception {
        try (var volume = new TestVolume(); var server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
             var nfs = server.root()) {
            byte[] fh = nfs.create(nfs.mount("/"), "big", Nfs3.GUARDED, SetAttr.NONE).fh();
            int chunks = 64, chunkBytes = 64 * 1024;
            byte[] content = random(chunks * chunkBytes, 7);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                CompletableFuture.allOf(IntStream.range(0, chunks).mapToObj(i -> CompletableFuture.runAsync(() ->
                        nfs.write(fh, (long) i * chunkBytes, Arrays.copyOfRange(content, i * chunkBytes, (i + 1) * chunkBytes),
                                Nfs3.UNSTABLE), pool)).toArray(CompletableFuture[]::new)).get();
                var reads = IntStream.range(0, chunks).mapToObj(i -> CompletableFuture.supplyAsync(() ->
                        nfs.read(fh, (long) i * chunkBytes, chunkBytes).data(), pool)).toList();
                for (int i = 0; i < chunks; i++) {
                    assertArrayEquals(Arrays.copyOfRange(content, i * chunkBytes, (i + 1) * chunkBytes), reads.get(i).get());
                }
            }
        }
    }

    private static byte[] readAll(NfsClient nfs, byte[] fh, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            byte[] chunk = nfs.read(fh, done, length - done).data();
            if (chunk.length == 0) break;
            System.arraycopy(chunk, 0, out, done, chunk.length);
            done += chunk.length;
        }
        return Arrays.copyOf(out, done);
    }
}
