package cairn.engine.lsm.segment;

import cairn.engine.lsm.wal.WalNames;

/**
 * Segment ids and their object keys. A WAL id names {@code wal/<20-digit id>}; an id with bit 62 set names a
 * repacked segment {@code seg/<20-digit id without the bit>}. A repacked id is {@code epoch << 24 | n}: unique
 * per writer epoch without coordination, so a zombie and its successor never collide.
 */
public final class SegmentNames {
    public static final String PREFIX = "seg/";
    public static final long REPACKED = 1L << 62;
    private static final int COUNTER_BITS = 24;
    private static final long EPOCH_MAX = (REPACKED >>> COUNTER_BITS) - 1;

    private SegmentNames() {}

    public static boolean isRepacked(long id) {
        return (id & REPACKED) != 0;
    }

    public static String key(long id) {
        return isRepacked(id) ? PREFIX + String.format("%020d", id & ~REPACKED) : WalNames.key(id);
    }

    /** The {@code n}-th repacked segment id of writer {@code epoch}. */
    public static long repackedId(long epoch, long n) {
        if (epoch < 0 || epoch > EPOCH_MAX || n < 0 || n >= 1L << COUNTER_BITS) {
            throw new IllegalArgumentException("no repacked segment id for epoch " + epoch + ", n " + n);
        }
        return REPACKED | epoch << COUNTER_BITS | n;
    }

    /** The id of a {@code seg/} key, or -1 when the key is not a repacked segment name. */
    public static long parseRepacked(String key) {
        if (!key.startsWith(PREFIX) || key.length() != PREFIX.length() + 20) return -1;
        try {
            long raw = Long.parseLong(key.substring(PREFIX.length()));
            return raw < 0 || raw >= REPACKED ? -1 : raw | REPACKED;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
