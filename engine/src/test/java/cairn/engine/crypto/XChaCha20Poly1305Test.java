package cairn.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class XChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hChaCha20MatchesTheDraftTestVector() {
        // draft-irtf-cfrg-xchacha-03, section 2.2.1
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = HEX.parseHex("000000090000004a0000000031415927");
        assertArrayEquals(HEX.parseHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"),
                HChaCha20.subkey(key, nonce));
    }

    @Test
    void aeadMatchesTheDraftTestVector() throws Exception {
        // draft-irtf-cfrg-xchacha-03, appendix A.3.1 (the libsodium construction)
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
        byte[] expected = HEX.parseHex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e"
                + "3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
                + "c0875924c1c7987947deafd8780acf49");
        var aead = new XChaCha20Poly1305(key);
        byte[] sealed = aead.seal(nonce, aad, plain);
        assertArrayEquals(nonce, java.util.Arrays.copyOf(sealed, 24));
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(sealed, 24, sealed.length));
        assertArrayEquals(plain, aead.open(aad, sealed));
    }

    @Test
    void matchesBouncyCastleForRandomInputs() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            byte[] key = bytes(random, 32), nonce = bytes(random, 24);
            byte[] aad = bytes(random, random.nextInt(40)), plain = bytes(random, random.nextInt(3000));
            byte[] ours = new XChaCha20Poly1305(key).seal(nonce, aad, plain);

            var bc = new org.bouncycastle.crypto.modes.XChaCha20Poly1305();
            bc.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
            byte[] theirs = new byte[bc.getOutputSize(plain.length)];
            int n = bc.processBytes(plain, 0, plain.length, theirs, 0);
            bc.doFinal(theirs, n);
            assertArrayEquals(theirs, java.util.Arrays.copyOfRange(ours, 24, ours.length), "seed " + seed + " i " + i);
            assertArrayEquals(plain, new XChaCha20Poly1305(key).open(aad, ours), "seed " + seed);
        }
    }

    @Test
    void anyFlippedBitOrOtherAssociatedDataFails() throws Exception {
        Random random = new Random(1);
        var aead = new XChaCha20Poly1305(bytes(random, 32));
        byte[] sealed = aead.seal(new byte[] {1, 2}, bytes(random, 100));
        for (int bit = 0; bit < sealed.length * 8; bit += 7) {
            byte[] t = sealed.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(AEADBadTagException.class, () -> aead.open(new byte[] {1, 2}, t), "bit " + bit);
        }
        assertThrows(AEADBadTagException.class, () -> aead.open(new byte[] {1, 3}, sealed));
        assertThrows(AEADBadTagException.class, () -> new XChaCha20Poly1305(new byte[32]).open(new byte[] {1, 2}, sealed));
        assertThrows(AEADBadTagException.class, () -> aead.open(new byte[0], new byte[10]));
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
