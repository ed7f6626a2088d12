package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM that writes to a {@link FileStore} at a random moment, then checks that every listed
 * object is whole and that the crashed writer's temp files are invisible and cleaned up.
 */
class FileStoreCrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkillAtARandomMomentLeavesOnlyWholeObjects() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int run = 0; run < 2; run++) {
            int objectsBeforeKill = 5 + random.nextInt(60);
            killWriterAfter(objectsBeforeKill, random.nextLong(), "seed " + seed + " run " + run);
            try (FileStore store = new FileStore(dir)) {
                verifyAllWhole(store, "seed " + seed + " run " + run);
                try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
                    assertEquals(2, tmp.count(), "only the new store's temp area and lock remain (seed " + seed + ")");
                }
            }
        }
    }

    private void killWriterAfter(int objects, long childSeed, String what) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                FileStoreCrashWriter.class.getName(), dir.toString(), Long.toString(childSeed))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (FileStore observer = new FileStore(dir)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int before = count(observer);
            while (count(observer) < before + objects) {
                assertTrue(child.isAlive(), "writer died on its own (" + what + ")");
                assertTrue(System.nanoTime() < deadline, "writer too slow (" + what + ")");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // poll gently: the child needs the CPU
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static int count(FileStore store) {
        return store.list("obj/", null, 100_000).objects().size();
    }

    private static void verifyAllWhole(FileStore store, String what) throws Exception {
        List<ObjectInfo> all = store.list("", null, 100_000).objects();
        assertTrue(!all.isEmpty(), what);
        for (ObjectInfo info : all) {
            byte[] body = store.get(info.key()).orElseThrow().data();
            assertEquals(info.size(), body.length, info.key() + " " + what);
            assertTrue(FileStoreCrashWriter.isWhole(body), info.key() + " is torn (" + what + ")");
        }
    }
}
