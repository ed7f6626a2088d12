package cairn.engine.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One contender of {@link FileStoreMultiProcessTest}, runnable as a child-process main: races create-if-absent on
 * {@code race/<r>} for every round and increments {@code counter} by compare-and-swap; prints "won r" per win.
 */
public final class FileStoreContender {
    public static void main(String[] args) {
        try (FileStore store = new FileStore(Path.of(args[0]))) {
            rendezvous(store, args[1], Integer.parseInt(args[4]));
            for (int r : contend(store, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]))) {
                System.out.println("won " + r);
            }
        }
        System.out.flush();
    }

    /** Announces this contender and waits until all {@code contenders} did, so that they really race. */
    static void rendezvous(ObjectStore store, String id, int contenders) {
        store.put("ready/" + id, new byte[0], Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.list("ready/", null, 100).objects().size() < contenders) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("other contenders never came");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Returns the rounds this contender won. */
    static List<Integer> contend(ObjectStore store, String id, int rounds, int increments) {
        List<Integer> won = new ArrayList<>();
        byte[] me = id.getBytes(StandardCharsets.UTF_8);
        for (int r = 0; r < rounds; r++) {
            if (store.putIfAbsent("race/" + r, me, Map.of()).written()) won.add(r);
        }
        for (int i = 0; i < increments; i++) {
            while (true) {
                StoredObject current = store.get("counter").orElseThrow();
                long next = ByteBuffer.wrap(current.data()).getLong() + 1;
                byte[] body = ByteBuffer.allocate(8).putLong(next).array();
                if (store.putIfMatch("counter", body, Map.of(), current.info().etag()).written()) break;
            }
        }
        return won;
    }
}
