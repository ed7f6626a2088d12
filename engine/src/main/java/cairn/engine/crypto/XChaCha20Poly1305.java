package cairn.engine.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * XChaCha20-Poly1305 AEAD, byte-compatible with libsodium's {@code crypto_aead_xchacha20poly1305_ietf}: subkey =
 * HChaCha20(key, nonce[0..16)), then the JDK's ChaCha20-Poly1305 (fast intrinsics on Java 21+) with nonce
 * {@code 0x00000000 || nonce[16..24)}. Sealed layout: {@code nonce (24 random bytes) || ciphertext || tag (16)}.
 * A random 192-bit nonce per value makes nonce reuse negligible for any number of values under one key.
 */
public final class XChaCha20Poly1305 {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 24;
    public static final int TAG_BYTES = 16;
    public static final int OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks ChaCha20-Poly1305", e);
        }
    });

    private final byte[] key;

    public XChaCha20Poly1305(byte[] key) {
        if (key.length != KEY_BYTES) throw new IllegalArgumentException("XChaCha20-Poly1305 needs a 32-byte key");
        this.key = key.clone();
    }

    /** Encrypts with a fresh random nonce. */
    public byte[] seal(byte[] associatedData, byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return seal(nonce, associatedData, plain);
    }

    /** Encrypts with the given nonce (test vectors; never reuse a nonce under one key). */
    byte[] seal(byte[] nonce, byte[] associatedData, byte[] plain) {
        byte[] out = new byte[NONCE_BYTES + plain.length + TAG_BYTES];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        try {
            Cipher c = init(Cipher.ENCRYPT_MODE, nonce);
            c.updateAAD(associatedData);
            c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /** Decrypts and authenticates; a wrong key, changed bytes or other associated data throw {@link AEADBadTagException}. */
    public byte[] open(byte[] associatedData, byte[] sealed) throws AEADBadTagException {
        if (sealed.length < OVERHEAD_BYTES) throw new AEADBadTagException("sealed value shorter than nonce and tag");
        byte[] nonce = Arrays.copyOf(sealed, NONCE_BYTES);
        try {
            Cipher c = init(Cipher.DECRYPT_MODE, nonce);
            c.updateAAD(associatedData);
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    private Cipher init(int mode, byte[] nonce) throws GeneralSecurityException {
        byte[] subkey = HChaCha20.subkey(key, nonce);
        byte[] iv = new byte[12];
        System.arraycopy(nonce, 16, iv, 4, 8);
        Cipher c = CIPHER.get();
        c.init(mode, new SecretKeySpec(subkey, "ChaCha20"), new IvParameterSpec(iv));
        Arrays.fill(subkey, (byte) 0);
        return c;
    }
}
