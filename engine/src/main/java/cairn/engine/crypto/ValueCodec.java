package cairn.engine.crypto;

import cairn.engine.fs.ValueTransform;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;

/**
 * Turns a value into what is stored and back: compress, then seal with XChaCha20-Poly1305 under the volume's data
 * key, with the value's key (and whatever else the caller binds) as associated data, so a value cannot be moved to
 * another key or altered without {@link #open} failing. Plugs into the filesystem as its {@link ValueTransform}.
 */
public final class ValueCodec implements ValueTransform {
    private final XChaCha20Poly1305 aead;
    private final Compression compression;

    public ValueCodec(byte[] dataKey, Compression compression) {
        this.aead = new XChaCha20Poly1305(dataKey);
        this.compression = compression;
    }

    @Override
    public byte[] seal(byte[] associatedData, byte[] plain) {
        return aead.seal(associatedData, compression.compress(plain));
    }

    /** The plain value; {@link CorruptValueException} (naming the key) when it fails authentication or decoding. */
    @Override
    public byte[] open(byte[] associatedData, byte[] sealed) {
        byte[] framed;
        try {
            framed = aead.open(associatedData, sealed);
        } catch (AEADBadTagException e) {
            throw new CorruptValueException("value for key " + describe(associatedData)
                    + " failed authentication: it was altered, moved from another key, or sealed under another key", e);
        }
        try {
            return compression.decompress(framed);
        } catch (CorruptValueException e) {
            throw new CorruptValueException("value for key " + describe(associatedData) + ": " + e.getMessage(), e);
        }
    }

    /** Printable keys as text, others as hex; bounded length for messages. */
    static String describe(byte[] key) {
        boolean printable = true;
        for (byte b : key) printable &= b >= 0x20 && b < 0x7f;
        String s = printable ? "'" + new String(key, StandardCharsets.US_ASCII) + "'" : "0x" + HexFormat.of().formatHex(key);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
