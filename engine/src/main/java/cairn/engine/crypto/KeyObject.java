package cairn.engine.crypto;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Byte layout of a key object {@code keys/<20-digit version>}: the data key wrapped under a key derived from the
 * secret with Argon2id. The wrapping binds the object's name and every parameter as associated data, so nothing in
 * the header can be changed without unwrapping failing. See {@code docs/formats.md}.
 *
 * <pre>
 * magic "CRNK" (4) | format version 1 (1) | CRC32C of the rest (4)
 * secret kind (1: password, 2: key file) | kdf (1: Argon2id v1.3)
 * memory KiB (4) | iterations (4) | parallelism (1) | salt length (1) | salt
 * wrapped length (1) | wrapped data key = XChaCha20-Poly1305 nonce || ciphertext || tag (72)
 * </pre>
 */
record KeyObject(Secret.Kind kind, KdfParams params, byte[] salt, byte[] wrapped) {
    static final int MAGIC = 0x43524E4B; // "CRNK"
    static final byte VERSION = 1;
    static final byte KDF_ARGON2ID = 1;
    static final int SALT_BYTES = 16;
    static final int WRAPPED_BYTES = XChaCha20Poly1305.OVERHEAD_BYTES + 32;
    private static final int CHECKED_FROM = 9;

    /** Thrown for anything that is not a well-formed key object; the reader then ignores the object. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why);
        }
    }

    static String name(long version) {
        return String.format("keys/%020d", version);
    }

    /** The bytes the wrapping authenticates: the object name and every header field before the wrapped key. */
    static byte[] associatedData(String name, Secret.Kind kind, KdfParams params, byte[] salt) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(n.length + 12 + salt.length).put(n).put(kind.id).put(KDF_ARGON2ID)
                .putInt(params.memoryKiB()).putInt(params.iterations()).put((byte) params.parallelism())
                .put((byte) salt.length).put(salt).array();
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(CHECKED_FROM + 12 + salt.length + 1 + wrapped.length);
        b.putInt(MAGIC).put(VERSION).putInt(0);
        b.put(kind.id).put(KDF_ARGON2ID).putInt(params.memoryKiB()).putInt(params.iterations())
                .put((byte) params.parallelism()).put((byte) salt.length).put(salt)
                .put((byte) wrapped.length).put(wrapped);
        byte[] out = b.array();
        ByteBuffer.wrap(out).putInt(5, crc(out));
        return out;
    }

    static KeyObject decode(byte[] bytes) throws Malformed {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.getInt() != MAGIC) throw new Malformed("bad magic");
            if (b.get() != VERSION) throw new Malformed("unknown format version");
            if (b.getInt() != crc(bytes)) throw new Malformed("checksum mismatch");
            Secret.Kind kind = Secret.Kind.of(b.get());
            if (kind == null) throw new Malformed("unknown secret kind");
            if (b.get() != KDF_ARGON2ID) throw new Malformed("unknown key derivation");
            KdfParams params;
            try {
                params = new KdfParams(b.getInt(), b.getInt(), b.get());
            } catch (IllegalArgumentException e) {
                throw new Malformed("key derivation parameters out of bounds: " + e.getMessage());
            }
            int saltBytes = Byte.toUnsignedInt(b.get());
            if (saltBytes < 16 || saltBytes > 64) throw new Malformed("bad salt length");
            byte[] salt = new byte[saltBytes];
            b.get(salt);
            if (Byte.toUnsignedInt(b.get()) != WRAPPED_BYTES) throw new Malformed("bad wrapped key length");
            byte[] wrapped = new byte[WRAPPED_BYTES];
            b.get(wrapped);
            if (b.hasRemaining()) throw new Malformed("trailing bytes");
            return new KeyObject(kind, params, salt, wrapped);
        } catch (BufferUnderflowException e) {
            throw new Malformed("truncated");
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, CHECKED_FROM, bytes.length - CHECKED_FROM);
        return (int) c.getValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyObject k && kind == k.kind && params.equals(k.params)
                && Arrays.equals(salt, k.salt) && Arrays.equals(wrapped, k.wrapped);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(wrapped);
    }
}
