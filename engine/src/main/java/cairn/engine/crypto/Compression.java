package cairn.engine.crypto;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Per-value compression with a self-describing header, so the codec can change without rewriting old values.
 *
 * <p>Layout: {@code codec (1 byte)} then, for {@code NONE}, the value; for {@code LZ4} and {@code ZSTD},
 * {@code plain length (4 bytes, big-endian)} and the compressed block. A value is stored uncompressed when
 * compression does not make it smaller. Reading never allocates more than {@code plainBytesMax}, whatever a
 * (hostile) header claims.
 */
public final class Compression {
    public enum Codec {
        NONE(0), LZ4(1), ZSTD(2);

        final byte id;

        Codec(int id) {
            this.id = (byte) id;
        }
    }

    /** Values up to 64 MiB by default; larger claims are rejected on read. */
    public static final int PLAIN_BYTES_MAX_DEFAULT = 64 << 20;
    private static final int HEADER_BYTES = 5;
    /** Below this size compression cannot pay for its header. */
    private static final int COMPRESS_BYTES_MIN = 32;

    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    private final Codec codec;
    private final int zstdLevel;
    private final int plainBytesMax;

    public Compression(Codec codec, int zstdLevel, int plainBytesMax) {
        this.codec = codec;
        this.zstdLevel = zstdLevel;
        this.plainBytesMax = plainBytesMax;
    }

    public static Compression none() {
        return new Compression(Codec.NONE, 0, PLAIN_BYTES_MAX_DEFAULT);
    }

    public static Compression lz4() {
        return new Compression(Codec.LZ4, 0, PLAIN_BYTES_MAX_DEFAULT);
    }

    public static Compression zstd(int level) {
        return new Compression(Codec.ZSTD, level, PLAIN_BYTES_MAX_DEFAULT);
    }

    /** "none", "lz4", "zstd" (level 3) or "zstd:N". */
    public static Compression parse(String spec) {
        return switch (spec) {
            case "none" -> none();
            case "lz4" -> lz4();
            case "zstd" -> zstd(3);
            default -> {
                if (spec.startsWith("zstd:")) yield zstd(Integer.parseInt(spec.substring(5)));
                throw new IllegalArgumentException("unknown compression '" + spec + "' (none, lz4, zstd, zstd:N)");
            }
        };
    }

    public byte[] compress(byte[] plain) {
        if (plain.length > plainBytesMax) {
            throw new IllegalArgumentException("value of " + plain.length + " bytes exceeds " + plainBytesMax);
        }
        if (codec != Codec.NONE && plain.length >= COMPRESS_BYTES_MIN) {
            byte[] packed = switch (codec) {
                case LZ4 -> {
                    byte[] out = new byte[HEADER_BYTES + LZ4_COMPRESSOR.maxCompressedLength(plain.length)];
                    int n = LZ4_COMPRESSOR.compress(plain, 0, plain.length, out, HEADER_BYTES);
                    yield Arrays.copyOf(out, HEADER_BYTES + n);
                }
                case ZSTD -> {
                    byte[] out = new byte[HEADER_BYTES + (int) Zstd.compressBound(plain.length)];
                    long n = Zstd.compressByteArray(out, HEADER_BYTES, out.length - HEADER_BYTES,
                            plain, 0, plain.length, zstdLevel);
                    if (Zstd.isError(n)) throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
                    yield Arrays.copyOf(out, HEADER_BYTES + (int) n);
                }
                case NONE -> throw new AssertionError();
            };
            if (packed.length < plain.length + 1) {
                ByteBuffer.wrap(packed).put(codec.id).putInt(plain.length);
                return packed;
            }
        }
        byte[] out = new byte[1 + plain.length];
        out[0] = Codec.NONE.id;
        System.arraycopy(plain, 0, out, 1, plain.length);
        return out;
    }

    /** Inverse of {@link #compress}, for any codec; throws {@link CorruptValueException} on a bad header or body. */
    public byte[] decompress(byte[] framed) {
        if (framed.length == 0) throw new CorruptValueException("empty compressed value");
        byte id = framed[0];
        if (id == Codec.NONE.id) return Arrays.copyOfRange(framed, 1, framed.length);
        if (id != Codec.LZ4.id && id != Codec.ZSTD.id) throw new CorruptValueException("unknown codec " + id);
        if (framed.length < HEADER_BYTES) throw new CorruptValueException("truncated compression header");
        int plainBytes = ByteBuffer.wrap(framed, 1, 4).getInt();
        if (plainBytes < 0 || plainBytes > plainBytesMax) {
            throw new CorruptValueException("claimed size " + Integer.toUnsignedString(plainBytes)
                    + " exceeds the limit of " + plainBytesMax + " bytes");
        }
        byte[] plain = new byte[plainBytes];
        int got;
        try {
            if (id == Codec.LZ4.id) {
                got = LZ4_DECOMPRESSOR.decompress(framed, HEADER_BYTES, framed.length - HEADER_BYTES, plain, 0, plainBytes);
            } else {
                long n = Zstd.decompressByteArray(plain, 0, plainBytes, framed, HEADER_BYTES, framed.length - HEADER_BYTES);
                if (Zstd.isError(n)) throw new CorruptValueException("zstd: " + Zstd.getErrorName(n));
                got = (int) n;
            }
        } catch (RuntimeException e) {
            if (e instanceof CorruptValueException c) throw c;
            throw new CorruptValueException("cannot decompress: " + e.getMessage(), e);
        }
        if (got != plainBytes) throw new CorruptValueException("decompressed " + got + " bytes, header said " + plainBytes);
        return plain;
    }
}
