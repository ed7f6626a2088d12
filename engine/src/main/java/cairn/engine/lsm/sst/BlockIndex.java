package cairn.engine.lsm.sst;

import cairn.engine.lsm.Keys;

/**
 * Where each data block is and which keys it holds. Encoding: {@code count varint} then per block
 * {@code offset varint | length varint | firstKey (varint length + bytes) | lastKey (varint length + bytes)}.
 * Blocks are in key order; a key's versions may span several consecutive blocks.
 */
public final class BlockIndex implements cairn.engine.lsm.cache.Sized {
    private final long[] offsets;
    private final int[] lengths;
    private final byte[][] firstKeys;
    private final byte[][] lastKeys;
    private final int sizeBytes;

    private BlockIndex(long[] offsets, int[] lengths, byte[][] firstKeys, byte[][] lastKeys, int sizeBytes) {
        this.offsets = offsets;
        this.lengths = lengths;
        this.firstKeys = firstKeys;
        this.lastKeys = lastKeys;
        this.sizeBytes = sizeBytes;
    }

    public int blockCount() {
        return offsets.length;
    }

    public long offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public byte[] firstKey(int i) {
        return firstKeys[i];
    }

    public byte[] lastKey(int i) {
        return lastKeys[i];
    }

    /** Rough heap footprint, for cache weighing. */
    @Override
    public int sizeBytes() {
        return sizeBytes;
    }

    /** The first block whose last key is {@code >= key}, or {@link #blockCount()} if none. */
    public int firstBlockAtOrAfter(byte[] key) {
        int lo = 0;
        int hi = offsets.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Keys.compare(lastKeys[mid], key) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    static void encodeEntry(ByteSink out, long offset, int length, byte[] firstKey, byte[] lastKey) {
        out.putVarLong(offset).putVarLong(length).putBytes(firstKey).putBytes(lastKey);
    }

    /**
     * Decodes and validates an index: blocks lie in {@code [dataStart, dataEnd)}, ascending and
     * non-overlapping, each of a plausible length, keys ordered.
     */
    static BlockIndex decode(byte[] raw, long dataStart, long dataEnd, String objectKey) {
        var src = new ByteSource(raw, objectKey);
        // each entry takes at least 4 bytes, which bounds the arrays by the (already bounded) input size
        int count = src.getVarInt(raw.length / 4);
        if (count == 0) throw src.corrupt("index without blocks");
        long[] offsets = new long[count];
        int[] lengths = new int[count];
        byte[][] first = new byte[count][];
        byte[][] last = new byte[count][];
        long next = dataStart;
        for (int i = 0; i < count; i++) {
            long off = src.getVarLong();
            int len = src.getVarInt(SstFormat.MAX_BLOCK_BYTES + StoredBlock.OVERHEAD_BYTES);
            if (off != next || len < StoredBlock.OVERHEAD_BYTES || off + len > dataEnd) {
                throw src.corrupt("index block " + i + " at " + off + "+" + len + " outside data or not contiguous");
            }
            next = off + len;
            offsets[i] = off;
            lengths[i] = len;
            first[i] = src.getBytes(SstFormat.MAX_KEY_BYTES);
            last[i] = src.getBytes(SstFormat.MAX_KEY_BYTES);
            if (Keys.compare(first[i], last[i]) > 0 || (i > 0 && Keys.compare(last[i - 1], first[i]) > 0)) {
                throw src.corrupt("index keys out of order at block " + i);
            }
        }
        if (src.hasRemaining()) throw src.corrupt("trailing bytes after index");
        return new BlockIndex(offsets, lengths, first, last, raw.length + 64 * count);
    }
}
