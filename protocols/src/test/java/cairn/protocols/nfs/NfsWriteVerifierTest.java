package cairn.protocols.nfs;

import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.client.NfsFileWriter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Write verifiers and pipelining: what makes fsync over NFS honest and fast. */
class NfsWriteVerifierTest {

    @Test
    void writerResendsUncommittedWritesWhenTheVerifierChanges() {
        var fs = new FakeFileSystem();
        try (var server = new NfsTestServer(fs, NfsExportOptions.DEFAULT); var nfs = server.root()) {
            byte[] fh = nfs.create(nfs.mount("/"), "f", Nfs3.GUARDED, SetAttr.NONE).fh();
            var writer = new NfsFileWriter(nfs, fh, 1 << 20);
            writer.write(0, new byte[] {1, 1, 1, 1});
            writer.write(4, new byte[] {2, 2});
            writer.commit();
            assertEquals(0, writer.resentWrites());

            writer.write(6, new byte[] {3, 3, 3});
            writer.write(9, new byte[] {4});
            fs.verifier = 2; // the server restarted: its unstable state is gone
            writer.commit();
            assertEquals(2, writer.resentWrites());
            assertArrayEquals(new byte[] {1, 1, 1, 1, 2, 2, 3, 3, 3, 4}, nfs.read(fh, 0, 100).data());
            assertEquals(2, nfs.commit(fh, 0, 0));
        }
    }

    @Test
    void manyCallsInFlightOnOneConnection() throws Exception {
        try (var server = new NfsTestServer(new FakeFileSystem(), NfsExportOptions.DEFAULT); var nfs = server.root()) {
            byte[] fh = nfs.create(nfs.mount("/"), "big", Nfs3.GUARDED, SetAttr.NONE).fh();
            int chunks = 64, chunkBytes = 64 * 1024;
            byte[] content = new byte[chunks * chunkBytes];
            new Random(7).nextBytes(content);
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
}
