package cairn.engine.lsm.sst;

import java.util.Arrays;

/**
 * A bloom filter over user keys with double hashing of one 64-bit hash. Encoding: {@code probes u8 | bits}.
 * An empty encoding (no filter) answers "may contain" for every key.
 */
public final class BloomFilter implements cairn.engine.lsm.cache.Sized {
    private final byte[] bits; // includes the leading probe-count byte
    private final int probes;
    private final long bitCount;

    private BloomFilter(byte[] encoded, String objectKey) {
        this.bits = encoded;
        if (encoded.length == 0) {
            probes = 0;
            bitCount = 0;
        } else {
            probes = encoded[0];
            bitCount = (long) (encoded.length - 1) * 8;
            if (probes < 1 || probes > 30 || bitCount == 0) {
                throw new CorruptObjectException(objectKey, "bloom filter with " + probes + " probes, " + bitCount + " bits");
            }
        }
    }

    public static BloomFilter decode(byte[] encoded, String objectKey) {
        return new BloomFilter(encoded, objectKey);
    }

    public boolean mayContain(byte[] key) {
        if (probes == 0) return true;
        long h = hash(key);
        long h1 = h & 0xFFFF_FFFFL;
        long h2 = h >>> 32;
        for (int i = 0; i < probes; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bitCount);
            if ((bits[1 + (int) (bit >>> 3)] & (1 << (bit & 7))) == 0) return false;
        }
        return true;
    }

    @Override
    public int sizeBytes() {
        return bits.length;
    }

    /** Builds the encoding for the given key hashes; empty when {@code bitsPerKey} is 0 or there are no keys. */
    static byte[] build(long[] hashes, int count, int bitsPerKey) {
        if (bitsPerKey == 0 || count == 0) return new byte[0];
        long wantBits = Math.max(64, (long) count * bitsPerKey);
        int bytes = (int) Math.min((wantBits + 7) / 8, SstFormat.MAX_FILTER_BYTES - 1);
        long bitCount = (long) bytes * 8;
        int probes = (int) Math.max(1, Math.min(30, Math.round(bitsPerKey * 0.69)));
        byte[] out = new byte[1 + bytes];
        out[0] = (byte) probes;
        for (int k = 0; k < count; k++) {
            long h = hashes[k];
            long h1 = h & 0xFFFF_FFFFL;
            long h2 = h >>> 32;
            for (int i = 0; i < probes; i++) {
                long bit = Long.remainderUnsigned(h1 + i * h2, bitCount);
                out[1 + (int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
            }
        }
        return out;
    }

    /** 64-bit key hash (FNV-1a over the bytes, then the murmur3 finaliser). Part of the format: never change. */
    static long hash(byte[] key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return "BloomFilter[" + probes + " probes, " + bitCount + " bits]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BloomFilter b && Arrays.equals(bits, b.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }
}
