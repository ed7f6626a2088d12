package cairn.engine.lsm.sst;

import cairn.engine.lsm.entry.Entry;
import java.util.Arrays;

/**
 * A decoded (uncompressed, checksum-verified) data block; see {@link BlockBuilder} for the layout. Immutable
 * and shareable between threads (it sits in the block cache); iterate it with a {@link Cursor}.
 */
final class Block implements cairn.engine.lsm.cache.Sized {
    private final byte[] raw;
    private final int restartsStart;
    private final int restartCount;
    private final String objectKey;

    Block(byte[] raw, String objectKey) {
        this.raw = raw;
        this.objectKey = objectKey;
        if (raw.length < 8) throw new CorruptObjectException(objectKey, "data block of " + raw.length + " bytes");
        var src = new ByteSource(raw, raw.length - 4, raw.length, objectKey);
        int count = src.getInt();
        if (count < 1 || count > (raw.length - 4) / 4) throw src.corrupt("data block restart count " + count);
        restartCount = count;
        restartsStart = raw.length - 4 - 4 * count;
        int prev = -1;
        var offsets = new ByteSource(raw, restartsStart, raw.length - 4, objectKey);
        for (int i = 0; i < count; i++) {
            int off = offsets.getInt();
            if (off <= prev || off >= restartsStart || (i == 0 && off != 0)) throw src.corrupt("data block restart offset " + off);
            prev = off;
        }
    }

    @Override
    public int sizeBytes() {
        return raw.length;
    }

    private int restart(int i) {
        int p = restartsStart + 4 * i;
        return (raw[p] & 0xFF) | (raw[p + 1] & 0xFF) << 8 | (raw[p + 2] & 0xFF) << 16 | (raw[p + 3] & 0xFF) << 24;
    }

    Cursor cursor() {
        return new Cursor();
    }

    /** A forward cursor; {@link #next()} decodes the next entry in place, {@link #entry()} materialises it. */
    final class Cursor {
        private final ByteSource src = new ByteSource(raw, 0, restartsStart, objectKey);
        private byte[] key = new byte[64];
        private int keyLength;
        private long seq;
        private Entry.Kind kind;
        private int valueOffset;
        private int valueLength;

        /** Decodes the next entry; false at the end of the block. */
        boolean next() {
            if (!src.hasRemaining()) return false;
            int shared = src.getVarInt(keyLength);
            int unshared = src.getVarInt(SstFormat.MAX_KEY_BYTES - shared);
            valueLength = src.getVarInt(SstFormat.MAX_VALUE_BYTES);
            byte code = src.get();
            kind = switch (code) {
                case 1 -> Entry.Kind.PUT;
                case 2 -> Entry.Kind.DELETE;
                case 3 -> Entry.Kind.POINTER;
                default -> throw src.corrupt("unknown entry kind " + code);
            };
            seq = src.getVarLong();
            int total = shared + unshared;
            if (total > key.length) key = Arrays.copyOf(key, Math.max(total, key.length * 2));
            int at = src.position();
            src.skip(unshared);
            System.arraycopy(raw, at, key, shared, unshared);
            keyLength = total;
            valueOffset = src.position();
            src.skip(valueLength);
            return true;
        }

        int compareKey(byte[] other) {
            return Arrays.compareUnsigned(key, 0, keyLength, other, 0, other.length);
        }

        long seq() {
            return seq;
        }

        Entry entry() {
            return new Entry(Arrays.copyOf(key, keyLength), seq, kind,
                    valueLength == 0 ? Entry.EMPTY : Arrays.copyOfRange(raw, valueOffset, valueOffset + valueLength));
        }

        /**
         * Positions on the first entry whose key is {@code >= target}; false when there is none in this block.
         * Binary search over restart points (full keys), then a linear scan.
         */
        boolean seek(byte[] target) {
            int lo = 0;
            int hi = restartCount - 1;
            while (lo < hi) { // last restart whose key < target
                int mid = (lo + hi + 1) >>> 1;
                jumpTo(mid);
                next();
                if (compareKey(target) < 0) lo = mid;
                else hi = mid - 1;
            }
            jumpTo(lo);
            while (next()) {
                if (compareKey(target) >= 0) return true;
            }
            return false;
        }

        private void jumpTo(int restartIndex) {
            src.position(restart(restartIndex));
            keyLength = 0;
        }
    }
}
