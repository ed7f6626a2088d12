package cairn.engine.lsm.sst;

import cairn.engine.lsm.Keys;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the manifest keeps about one SST: enough to open it without reading its footer. {@code firstKey} and
 * {@code lastKey} are inclusive; {@code minSeq}/{@code maxSeq} bound the sequence numbers inside.
 */
public record SstInfo(Ulid id, byte[] firstKey, byte[] lastKey, long entryCount, long sizeBytes,
                      long indexOffset, int indexLength, long filterOffset, int filterLength,
                      long minSeq, long maxSeq, long writerEpoch) {
    private static final byte ENCODING_VERSION = 1;

    public SstInfo {
        Objects.requireNonNull(id);
        Objects.requireNonNull(firstKey);
        Objects.requireNonNull(lastKey);
    }

    public String objectKey() {
        return SstFormat.objectKey(id.toString());
    }

    /** True when some key in {@code [from, to)} may be in this SST ({@code to} null: unbounded). */
    public boolean overlaps(byte[] from, byte[] to) {
        return (to == null || Keys.compare(firstKey, to) < 0) && (from == null || Keys.compare(lastKey, from) >= 0);
    }

    /** True when the inclusive key ranges of the two SSTs intersect. */
    public boolean overlaps(SstInfo o) {
        return Keys.compare(firstKey, o.lastKey) <= 0 && Keys.compare(o.firstKey, lastKey) <= 0;
    }

    public boolean mayContainKey(byte[] key) {
        return Keys.compare(firstKey, key) <= 0 && Keys.compare(key, lastKey) <= 0;
    }

    /** Compact binary form for the manifest. */
    public void encode(ByteSink out) {
        out.put(ENCODING_VERSION).putLong(id.msb()).putLong(id.lsb()).putBytes(firstKey).putBytes(lastKey)
                .putVarLong(entryCount).putVarLong(sizeBytes).putVarLong(indexOffset).putVarLong(indexLength)
                .putVarLong(filterOffset).putVarLong(filterLength).putVarLong(minSeq).putVarLong(maxSeq)
                .putVarLong(writerEpoch);
    }

    public byte[] encode() {
        var out = new ByteSink(64 + firstKey.length + lastKey.length);
        encode(out);
        return out.toByteArray();
    }

    /** Decodes one record written by {@link #encode(ByteSink)}; checks every field for plausibility. */
    public static SstInfo decode(ByteSource in) {
        byte v = in.get();
        if (v != ENCODING_VERSION) throw in.corrupt("unknown SstInfo encoding " + v);
        var id = new Ulid(in.getLong(), in.getLong());
        byte[] first = in.getBytes(SstFormat.MAX_KEY_BYTES);
        byte[] last = in.getBytes(SstFormat.MAX_KEY_BYTES);
        long entries = in.getVarLong();
        long size = in.getVarLong();
        long indexOffset = in.getVarLong();
        int indexLength = in.getVarInt(SstFormat.MAX_INDEX_BYTES + StoredBlock.OVERHEAD_BYTES);
        long filterOffset = in.getVarLong();
        int filterLength = in.getVarInt(SstFormat.MAX_FILTER_BYTES + StoredBlock.OVERHEAD_BYTES);
        long minSeq = in.getVarLong();
        long maxSeq = in.getVarLong();
        long epoch = in.getVarLong();
        String key = SstFormat.objectKey(id.toString());
        if (entries < 1 || minSeq > maxSeq || Keys.compare(first, last) > 0) {
            throw in.corrupt("implausible SstInfo for " + key);
        }
        SstFormat.checkLayout(indexOffset, indexLength, filterOffset, filterLength, size, key);
        return new SstInfo(id, first, last, entries, size, indexOffset, indexLength, filterOffset, filterLength,
                minSeq, maxSeq, epoch);
    }

    public static SstInfo decode(byte[] encoded, String context) {
        var in = new ByteSource(encoded, context);
        var info = decode(in);
        if (in.hasRemaining()) throw in.corrupt("trailing bytes after SstInfo");
        return info;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SstInfo s && id.equals(s.id) && Arrays.equals(firstKey, s.firstKey)
                && Arrays.equals(lastKey, s.lastKey) && entryCount == s.entryCount && sizeBytes == s.sizeBytes
                && indexOffset == s.indexOffset && indexLength == s.indexLength && filterOffset == s.filterOffset
                && filterLength == s.filterLength && minSeq == s.minSeq && maxSeq == s.maxSeq
                && writerEpoch == s.writerEpoch;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "SstInfo[" + id + ", " + entryCount + " entries, " + sizeBytes + " B, seq " + minSeq + ".." + maxSeq + "]";
    }
}
