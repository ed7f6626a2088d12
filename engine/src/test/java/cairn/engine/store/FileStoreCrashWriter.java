package cairn.engine.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Child-process main for {@link FileStoreCrashTest}: writes self-checking objects (random body followed by its
 * SHA-256) to a {@link FileStore} forever, mixing create-if-absent, overwrites and compare-and-swap, until killed.
 */
public final class FileStoreCrashWriter {
    public static void main(String[] args) throws Exception {
        FileStore store = new FileStore(Path.of(args[0]));
        Random random = new Random(Long.parseLong(args[1]));
        for (long n = 0; ; n++) {
            String key = "obj/" + (n % 50) + "/" + n;
            byte[] body = selfChecking(random, 1 + random.nextInt(200_000));
            String hot = "hot/" + (n % 7);
            switch ((int) (n % 3)) {
                case 0 -> store.putIfAbsent(key, body, Map.of("n", Long.toString(n)));
                case 1 -> store.put(hot, body, Map.of("n", Long.toString(n)));
                default -> store.head(hot).ifPresent(i -> store.putIfMatch(hot, body, Map.of(), i.etag()));
            }
        }
    }

    static byte[] selfChecking(Random random, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
        return ByteBuffer.allocate(bytes + hash.length).put(data).put(hash).array();
    }

    static boolean isWhole(byte[] body) throws Exception {
        if (body.length < 33) return false;
        byte[] data = Arrays.copyOf(body, body.length - 32);
        byte[] hash = Arrays.copyOfRange(body, body.length - 32, body.length);
        return Arrays.equals(hash, MessageDigest.getInstance("SHA-256").digest(data));
    }
}
