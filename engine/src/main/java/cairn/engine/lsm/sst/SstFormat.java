package cairn.engine.lsm.sst;

/**
 * Constants and the fixed-size header and footer of an SST object; the full layout is in
 * {@code docs/formats.md} ("SST objects").
 *
 * <pre>
 * header (24 B): magic "CAIRNSST" | version u16 | reserved u16 | writerEpoch u64 | crc32c u32 (of the 20 before)
 * data blocks, filter block, index block (each framed by {@link StoredBlock})
 * footer (72 B): indexOffset u64 | indexLength u32 | filterOffset u64 | filterLength u32 | entryCount u64
 *                | minSeq u64 | maxSeq u64 | writerEpoch u64 | version u16 | reserved u16
 *                | crc32c u32 (of the 64 before) | magic "CAIRNSST"
 * </pre>
 */
public final class SstFormat {
    private SstFormat() {}

    public static final long MAGIC = 0x5453534E52494143L; // "CAIRNSST" read little-endian
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 24;
    public static final int FOOTER_BYTES = 72;

    /** Hard limits that bound every allocation made while decoding. */
    public static final int MAX_KEY_BYTES = 64 * 1024;
    public static final int MAX_VALUE_BYTES = 32 * 1024 * 1024;
    public static final int MAX_BLOCK_BYTES = 64 * 1024 * 1024;
    public static final int MAX_INDEX_BYTES = 64 * 1024 * 1024;
    public static final int MAX_FILTER_BYTES = 64 * 1024 * 1024;

    public static String objectKey(String id) {
        return "sst/" + id;
    }

    static void writeHeader(ByteSink out, long writerEpoch) {
        int start = out.size();
        out.putLong(MAGIC).putShort(VERSION).putShort(0).putLong(writerEpoch);
        out.putInt(StoredBlock.crc(out.array(), start, out.size() - start));
    }

    /** Returns the writer epoch recorded in a valid header. */
    static long readHeader(byte[] b, String objectKey) {
        if (b.length < HEADER_BYTES) throw new CorruptObjectException(objectKey, "header truncated");
        var src = new ByteSource(b, 0, HEADER_BYTES, objectKey);
        if (src.getLong() != MAGIC) throw src.corrupt("bad header magic");
        int version = src.getShort();
        src.getShort();
        long epoch = src.getLong();
        if (src.getInt() != StoredBlock.crc(b, 0, 20)) throw src.corrupt("header checksum mismatch");
        if (version != VERSION) throw src.corrupt("unsupported SST version " + version);
        return epoch;
    }

    record Footer(long indexOffset, int indexLength, long filterOffset, int filterLength, long entryCount,
                  long minSeq, long maxSeq, long writerEpoch) {}

    static void writeFooter(ByteSink out, Footer f) {
        int start = out.size();
        out.putLong(f.indexOffset).putInt(f.indexLength).putLong(f.filterOffset).putInt(f.filterLength)
                .putLong(f.entryCount).putLong(f.minSeq).putLong(f.maxSeq).putLong(f.writerEpoch)
                .putShort(VERSION).putShort(0);
        out.putInt(StoredBlock.crc(out.array(), start, out.size() - start));
        out.putLong(MAGIC);
    }

    /** Parses and checks a footer read from the last {@link #FOOTER_BYTES} of an object of {@code size} bytes. */
    static Footer readFooter(byte[] b, long size, String objectKey) {
        if (b.length != FOOTER_BYTES) throw new CorruptObjectException(objectKey, "footer truncated");
        var src = new ByteSource(b, objectKey);
        src.position(FOOTER_BYTES - 8);
        if (src.getLong() != MAGIC) throw src.corrupt("bad footer magic");
        src.position(FOOTER_BYTES - 12);
        if (src.getInt() != StoredBlock.crc(b, 0, FOOTER_BYTES - 12)) throw src.corrupt("footer checksum mismatch");
        src.position(0);
        var f = new Footer(src.getLong(), src.getInt(), src.getLong(), src.getInt(), src.getLong(), src.getLong(),
                src.getLong(), src.getLong());
        int version = src.getShort();
        if (version != VERSION) throw src.corrupt("unsupported SST version " + version);
        checkLayout(f.indexOffset, f.indexLength, f.filterOffset, f.filterLength, size, objectKey);
        return f;
    }

    /** Index and filter must sit between header and footer, within their size limits. */
    static void checkLayout(long indexOffset, int indexLength, long filterOffset, int filterLength, long size,
                            String objectKey) {
        long body = size - FOOTER_BYTES;
        if (size < HEADER_BYTES + FOOTER_BYTES
                || indexLength < StoredBlock.OVERHEAD_BYTES || indexLength > MAX_INDEX_BYTES + StoredBlock.OVERHEAD_BYTES
                || indexOffset < HEADER_BYTES || indexOffset + indexLength > body
                || filterLength < 0 || filterLength > MAX_FILTER_BYTES + StoredBlock.OVERHEAD_BYTES
                || (filterLength > 0 && (filterOffset < HEADER_BYTES || filterOffset + filterLength > body))) {
            throw new CorruptObjectException(objectKey, "inconsistent layout: size " + size + ", index " + indexOffset
                    + "+" + indexLength + ", filter " + filterOffset + "+" + filterLength);
        }
    }
}
