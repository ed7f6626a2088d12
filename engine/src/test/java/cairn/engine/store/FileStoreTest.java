package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the conformance suite cannot see: key mapping, file layout, several instances on one directory. */
class FileStoreTest {
    @TempDir
    Path dir;

    @Test
    void hostileKeysAreRejected() throws Exception {
        try (FileStore store = new FileStore(dir)) {
            for (String bad : List.of("", "/abs", "a/../b", "..", "a/./b", "a//b", "trailing/", "nul\0x", "x".repeat(1025))) {
                StoreException e = assertThrows(StoreException.class, () -> store.put(bad, new byte[1], Map.of()), bad);
                assertFalse(e.retryable());
            }
            try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
                assertEquals(1, s.count(), "nothing written outside or inside objects/");
            }
        }
    }

    @Test
    void oddKeysRoundTripAndAKeyCanAlsoBeADirectory() {
        List<String> keys = List.of("a", "a/b", "a/b/c", "with space", "tilde~", "pct%41", "ümlaut/東京", "dots.../x");
        try (FileStore store = new FileStore(dir)) {
            for (String k : keys) store.put(k, k.getBytes(StandardCharsets.UTF_8), Map.of());
            for (String k : keys) {
                assertArrayEquals(k.getBytes(StandardCharsets.UTF_8), store.get(k).orElseThrow().data(), k);
            }
            assertEquals(keys.stream().sorted().toList(),
                    store.list("", null, 100).objects().stream().map(ObjectInfo::key).toList());
        }
    }

    @Test
    void twoInstancesOnOneDirectoryShareObjectsAndRaceSafely() throws Exception {
        try (FileStore a = new FileStore(dir); FileStore b = new FileStore(dir)) {
            a.put("x", new byte[] {1}, Map.of("m", "v"));
            assertEquals("v", b.head("x").orElseThrow().metadata().get("m"));
            // compare-and-swap is atomic here (unlike s3proxy): concurrent CAS from one etag has one winner
            String etag = a.head("x").orElseThrow().etag();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CyclicBarrier start = new CyclicBarrier(8);
                List<Future<ConditionalPut>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    FileStore s = i % 2 == 0 ? a : b;
                    byte[] body = {(byte) i};
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return s.putIfMatch("x", body, Map.of(), etag);
                    }));
                }
                int winners = 0;
                for (var f : results) winners += f.get(30, TimeUnit.SECONDS).written() ? 1 : 0;
                assertEquals(1, winners);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void damagedFileIsAClearErrorNotGarbage() throws Exception {
        try (FileStore store = new FileStore(dir)) {
            store.put("k", "some data".getBytes(StandardCharsets.UTF_8), Map.of());
            Path file = store.objectsDir().resolve("k" + FileKeys.OBJECT_SUFFIX);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(f.length() - 1);
                f.write('X');
            }
            StoreException e = assertThrows(StoreException.class, () -> store.get("k"));
            assertTrue(e.getMessage().contains("data checksum"), e.getMessage());
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(10);
            }
            assertTrue(assertThrows(StoreException.class, () -> store.head("k")).getMessage().contains("corrupt"));
        }
    }

    @Test
    void tempAreaOfADeadOwnerIsRemovedAndOurOwnIsKept() throws Exception {
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(tmp.resolve("dead-owner"));
        Files.write(tmp.resolve("dead-owner").resolve("17"), new byte[100]);
        Files.createFile(tmp.resolve("dead-owner.lock"));
        try (FileStore first = new FileStore(dir)) {
            assertFalse(Files.exists(tmp.resolve("dead-owner")));
            assertFalse(Files.exists(tmp.resolve("dead-owner.lock")));
            try (FileStore second = new FileStore(dir)) {
                first.put("k", new byte[1], Map.of()); // first's area survived second's clean-up
                second.put("k2", new byte[1], Map.of());
            }
        }
    }
}
