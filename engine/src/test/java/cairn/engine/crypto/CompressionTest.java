package cairn.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressionTest {
    private static final List<Compression> ALL = List.of(Compression.none(), Compression.lz4(), Compression.zstd(1),
            Compression.zstd(3), Compression.parse("zstd:9"));

    @Test
    void roundTripsAnyCodecAndReadsEveryOtherCodec() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 25; i++) {
            byte[] plain = sample(random, random.nextInt(70_000));
            for (Compression writer : ALL) {
                byte[] framed = writer.compress(plain);
                for (Compression reader : ALL) assertArrayEquals(plain, reader.decompress(framed), "seed " + seed);
            }
        }
    }

    @Test
    void compressibleDataShrinksAndRandomDataStaysRaw() {
        byte[] text = "the quick brown fox jumps over the lazy dog ".repeat(1000).getBytes();
        assertTrue(Compression.lz4().compress(text).length < text.length / 5);
        assertTrue(Compression.zstd(3).compress(text).length < text.length / 5);
        byte[] noise = XChaCha20Poly1305Test.bytes(new Random(2), 10_000);
        byte[] framed = Compression.zstd(3).compress(noise);
        assertEquals(0, framed[0], "incompressible values are stored raw");
        assertEquals(noise.length + 1, framed.length);
    }

    @Test
    void hostileHeadersAreRejectedWithoutHugeAllocations() {
        Compression c = Compression.lz4();
        for (byte codec : new byte[] {1, 2}) {
            byte[] claimsFourGiB = ByteBuffer.allocate(20).put(codec).putInt(-1).array();
            assertThrows(CorruptValueException.class, () -> c.decompress(claimsFourGiB));
            byte[] claimsTooMuch = ByteBuffer.allocate(20).put(codec).putInt(Compression.PLAIN_BYTES_MAX_DEFAULT + 1).array();
            assertTrue(assertThrows(CorruptValueException.class, () -> c.decompress(claimsTooMuch))
                    .getMessage().contains("exceeds"));
            byte[] lies = ByteBuffer.allocate(20).put(codec).putInt(1000).array(); // garbage body
            assertThrows(CorruptValueException.class, () -> c.decompress(lies));
        }
        byte[] good = Compression.zstd(3).compress("abcabcabcabcabcabcabcabcabcabcabcabcabcabc".getBytes());
        ByteBuffer.wrap(good).putInt(1, 10); // wrong (smaller) claimed size
        assertThrows(CorruptValueException.class, () -> c.decompress(good));
        assertThrows(CorruptValueException.class, () -> c.decompress(new byte[] {9, 0, 0}));
        assertThrows(CorruptValueException.class, () -> c.decompress(new byte[] {1, 0}));
        assertThrows(CorruptValueException.class, () -> c.decompress(new byte[0]));
        Compression small = new Compression(Compression.Codec.LZ4, 0, 100);
        assertThrows(IllegalArgumentException.class, () -> small.compress(new byte[101]));
    }

    /** Half-compressible data: runs and random bytes. */
    private static byte[] sample(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; ) {
            int run = Math.min(n - i, 1 + r.nextInt(64));
            if (r.nextBoolean()) java.util.Arrays.fill(b, i, i + run, (byte) r.nextInt());
            else for (int j = i; j < i + run; j++) b[j] = (byte) r.nextInt();
            i += run;
        }
        return b;
    }
}
