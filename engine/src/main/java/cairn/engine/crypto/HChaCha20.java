package cairn.engine.crypto;

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha, section 2.2): derives a 256-bit subkey from a 256-bit key and a 128-bit
 * nonce. BouncyCastle has it only inside its XChaCha20 engine, not as a public function, and it is 20 lines.
 */
final class HChaCha20 {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}; // "expand 32-byte k"

    private HChaCha20() {}

    static byte[] subkey(byte[] key, byte[] nonce16) {
        if (key.length != 32 || nonce16.length < 16) throw new IllegalArgumentException("need a 32-byte key and 16-byte nonce");
        int[] x = new int[16];
        System.arraycopy(SIGMA, 0, x, 0, 4);
        for (int i = 0; i < 8; i++) x[4 + i] = le32(key, 4 * i);
        for (int i = 0; i < 4; i++) x[12 + i] = le32(nonce16, 4 * i);
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe32(out, 4 * i, x[i]);
            putLe32(out, 16 + 4 * i, x[12 + i]);
        }
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b]; x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }
}
