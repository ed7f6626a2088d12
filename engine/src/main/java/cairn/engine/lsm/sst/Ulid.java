package cairn.engine.lsm.sst;

import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ULID: 48-bit millisecond timestamp and 80 random bits, printed as 26 Crockford base32 characters so
 * that string order equals creation order. Ids minted by one generator are strictly increasing even within one
 * millisecond (the random part is incremented), which GC relies on as an age signal.
 */
public record Ulid(long msb, long lsb) implements Comparable<Ulid> {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static long lastMsb;
    private static long lastLsb;

    /** A fresh id, greater than every id this process minted before. */
    public static Ulid next() {
        long now = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
        LOCK.lock();
        try {
            long msb;
            long lsb;
            if (now <= (lastMsb >>> 16)) {
                // Same (or an earlier, after a clock step back) millisecond: increment the previous id.
                msb = lastMsb;
                lsb = lastLsb + 1;
                if (lsb == 0) msb++;
            } else {
                msb = (now << 16) | (RANDOM.nextInt() & 0xFFFF);
                lsb = RANDOM.nextLong();
            }
            lastMsb = msb;
            lastLsb = lsb;
            return new Ulid(msb, lsb);
        } finally {
            LOCK.unlock();
        }
    }

    public long timestampMs() {
        return msb >>> 16;
    }

    public static Ulid parse(String s) {
        if (s.length() != 26) throw new IllegalArgumentException("ULID must have 26 characters: " + s);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 26; i++) {
            int v = decode(s.charAt(i));
            if (i == 0 && v > 7) throw new IllegalArgumentException("ULID overflows 128 bits: " + s);
            // shift the 128-bit (msb, lsb) left by 5 and add v
            msb = (msb << 5) | (lsb >>> 59);
            lsb = (lsb << 5) | v;
        }
        return new Ulid(msb, lsb);
    }

    private static int decode(char c) {
        char u = Character.toUpperCase(c);
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == u) return i;
        }
        throw new IllegalArgumentException("not a Crockford base32 character: " + c);
    }

    @Override
    public String toString() {
        char[] out = new char[26];
        long hi = msb;
        long lo = lsb;
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }

    @Override
    public int compareTo(Ulid o) {
        int c = Long.compareUnsigned(msb, o.msb);
        return c != 0 ? c : Long.compareUnsigned(lsb, o.lsb);
    }
}
