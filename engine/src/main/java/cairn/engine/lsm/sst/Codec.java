package cairn.engine.lsm.sst;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** Per-block compression. The code is stored in every block, so blocks of one SST may differ. */
public enum Codec {
    NONE((byte) 0), LZ4((byte) 1), ZSTD((byte) 2);

    public final byte code;

    Codec(byte code) {
        this.code = code;
    }

    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    public static Codec of(byte code, String objectKey) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> LZ4;
            case 2 -> ZSTD;
            default -> throw new CorruptObjectException(objectKey, "unknown block codec " + code);
        };
    }

    /** Compressed bytes of {@code raw[off, off+len)}; {@code zstdLevel} applies to ZSTD only. */
    byte[] compress(byte[] raw, int off, int len, int zstdLevel) {
        return switch (this) {
            case NONE -> java.util.Arrays.copyOfRange(raw, off, off + len);
            case LZ4 -> {
                byte[] out = new byte[LZ4_COMPRESSOR.maxCompressedLength(len)];
                int n = LZ4_COMPRESSOR.compress(raw, off, len, out, 0, out.length);
                yield java.util.Arrays.copyOf(out, n);
            }
            case ZSTD -> {
                byte[] out = new byte[(int) Zstd.compressBound(len)];
                long n = Zstd.compressByteArray(out, 0, out.length, raw, off, len, zstdLevel);
                if (Zstd.isError(n)) throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
                yield java.util.Arrays.copyOf(out, (int) n);
            }
        };
    }

    /**
     * Decompresses {@code src[off, off+len)} into exactly {@code rawLength} bytes (already bounded by the
     * caller); any mismatch or decoder error is corruption.
     */
    byte[] decompress(byte[] src, int off, int len, int rawLength, String objectKey) {
        byte[] out = new byte[rawLength];
        switch (this) {
            case NONE -> {
                if (len != rawLength) throw new CorruptObjectException(objectKey, "stored length " + len + " != " + rawLength);
                System.arraycopy(src, off, out, 0, len);
            }
            case LZ4 -> {
                int n;
                try {
                    n = LZ4_DECOMPRESSOR.decompress(src, off, len, out, 0, rawLength);
                } catch (LZ4Exception e) {
                    throw new CorruptObjectException(objectKey, "lz4 block does not decode", e);
                }
                if (n != rawLength) throw new CorruptObjectException(objectKey, "lz4 block decodes to " + n + " != " + rawLength);
            }
            case ZSTD -> {
                long n;
                try {
                    n = Zstd.decompressByteArray(out, 0, rawLength, src, off, len);
                } catch (RuntimeException e) {
                    throw new CorruptObjectException(objectKey, "zstd block does not decode", e);
                }
                if (Zstd.isError(n) || n != rawLength) {
                    throw new CorruptObjectException(objectKey, "zstd block decodes to " + n + " != " + rawLength);
                }
            }
        }
        return out;
    }
}
