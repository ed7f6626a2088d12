package cairn.engine.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Byte layout of one {@link FileStore} object file: a header carrying the version id (the etag), the data length
 * and checksum and the user metadata, protected by its own CRC32C, followed by the data. Data and metadata live in
 * one file, so a reader never sees one without the other. See {@code docs/formats.md}.
 */
final class FileObjectFormat {
    static final int MAGIC = 0x43524E4F; // "CRNO"
    static final byte VERSION = 1;
    static final int FIXED_BYTES = 4 + 1 + 16 + 8 + 4 + 2;
    static final int METADATA_BYTES_MAX = 8 * 1024;
    static final int METADATA_ENTRIES_MAX = 64;
    /** Upper bound of a header: a reader never needs more than this to parse one. */
    static final int HEADER_BYTES_MAX = FIXED_BYTES + METADATA_BYTES_MAX + 4 * METADATA_ENTRIES_MAX + 4;

    /** A parsed header; {@code headerBytes} is where the data starts. */
    record Header(byte[] versionId, long dataBytes, int dataCrc, Map<String, String> metadata, int headerBytes) {
        String etag() {
            return "\"" + HexFormat.of().formatHex(versionId) + "\"";
        }
    }

    private FileObjectFormat() {}

    static byte[] encodeHeader(byte[] versionId, byte[] data, Map<String, String> metadata) {
        if (metadata.size() > METADATA_ENTRIES_MAX) throw new StoreException("too many metadata entries", false);
        int metaBytes = 0;
        for (var e : metadata.entrySet()) {
            metaBytes += 4 + utf8(e.getKey()).length + utf8(e.getValue()).length;
        }
        if (metaBytes > METADATA_BYTES_MAX) throw new StoreException("metadata larger than 8 KiB", false);
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + metaBytes + 4);
        b.putInt(MAGIC).put(VERSION).put(versionId).putLong(data.length).putInt(crc(data, 0, data.length));
        b.putShort((short) metadata.size());
        for (var e : metadata.entrySet()) {
            putString(b, e.getKey());
            putString(b, e.getValue());
        }
        b.putInt(crc(b.array(), 0, b.position()));
        return b.array();
    }

    /**
     * Parses the header at the start of {@code prefix} (the first bytes of a file of {@code fileBytes} bytes).
     * Throws a non-retryable {@link StoreException} naming {@code what} when the header is damaged.
     */
    static Header decodeHeader(ByteBuffer prefix, long fileBytes, String what) {
        ByteBuffer b = prefix.duplicate();
        try {
            if (b.getInt() != MAGIC) throw corrupt(what, "bad magic");
            if (b.get() != VERSION) throw corrupt(what, "unknown format version");
            byte[] versionId = new byte[16];
            b.get(versionId);
            long dataBytes = b.getLong();
            int dataCrc = b.getInt();
            int entries = Short.toUnsignedInt(b.getShort());
            if (entries > METADATA_ENTRIES_MAX) throw corrupt(what, "too many metadata entries");
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int i = 0; i < entries; i++) {
                metadata.put(getString(b), getString(b));
            }
            int headerCrcAt = b.position();
            int storedCrc = b.getInt();
            if (storedCrc != crc(b.array(), b.arrayOffset(), headerCrcAt)) throw corrupt(what, "header checksum");
            int headerBytes = b.position();
            if (headerBytes + dataBytes != fileBytes) throw corrupt(what, "length mismatch");
            return new Header(versionId, dataBytes, dataCrc, metadata, headerBytes);
        } catch (java.nio.BufferUnderflowException e) {
            throw corrupt(what, "truncated header");
        }
    }

    static void checkData(Header h, byte[] data, String what) {
        if (crc(data, 0, data.length) != h.dataCrc()) throw corrupt(what, "data checksum");
    }

    static int crc(byte[] a, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(a, from, length);
        return (int) c.getValue();
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] u = utf8(s);
        b.putShort((short) u.length).put(u);
    }

    private static String getString(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > METADATA_BYTES_MAX || n > b.remaining()) throw new java.nio.BufferUnderflowException();
        byte[] u = new byte[n];
        b.get(u);
        return new String(u, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreException corrupt(String what, String why) {
        return new StoreException("corrupt object file " + what + ": " + why, false);
    }
}
