package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes on one {@link FileStore} directory: create-if-absent has exactly one winner per key across
 * processes, and compare-and-swap increments lose no update (the cross-process stripe locks work).
 */
class FileStoreMultiProcessTest {
    private static final int ROUNDS = 150, INCREMENTS = 60, CHILDREN = 2;

    @TempDir
    Path dir;

    @Test
    void processesRaceSafely() throws Exception {
        Path storeDir = Files.createDirectories(dir.resolve("store"));
        try (FileStore store = new FileStore(storeDir)) {
            store.put("counter", ByteBuffer.allocate(8).putLong(0).array(), Map.of());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> children = new ArrayList<>();
            for (int c = 0; c < CHILDREN; c++) {
                children.add(new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                        FileStoreContender.class.getName(), storeDir.toString(), "child" + c,
                        Integer.toString(ROUNDS), Integer.toString(INCREMENTS), Integer.toString(CHILDREN + 1))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("child" + c + ".out").toFile()).start());
            }
            Map<Integer, String> winners = new HashMap<>();
            FileStoreContender.rendezvous(store, "parent", CHILDREN + 1);
            for (int r : FileStoreContender.contend(store, "parent", ROUNDS, INCREMENTS)) winners.put(r, "parent");
            for (int c = 0; c < CHILDREN; c++) {
                Process p = children.get(c);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child " + c + " too slow");
                List<String> out = Files.readAllLines(dir.resolve("child" + c + ".out"));
                assertEquals(0, p.exitValue(), "child " + c + ": " + out);
                for (String line : out) {
                    if (!line.startsWith("won ")) continue;
                    String previous = winners.put(Integer.parseInt(line.substring(4)), "child" + c);
                    assertEquals(null, previous, "two winners for " + line);
                }
            }
            assertEquals(ROUNDS, winners.size());
            for (var w : winners.entrySet()) {
                assertEquals(w.getValue(), new String(store.get("race/" + w.getKey()).orElseThrow().data(),
                        StandardCharsets.UTF_8));
            }
            long counter = ByteBuffer.wrap(store.get("counter").orElseThrow().data()).getLong();
            assertEquals((CHILDREN + 1) * INCREMENTS, counter, "lost compare-and-swap updates");
        }
    }
}
