package cairn.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
    private final byte[] dataKey = XChaCha20Poly1305Test.bytes(new Random(5), 32);
    private final ValueCodec codec = new ValueCodec(dataKey, Compression.lz4());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealsAndOpens() {
        byte[] plain = utf8("inode 42: mode 0644 size 12345 ".repeat(50));
        byte[] sealed = codec.seal(utf8("inode/42"), plain);
        assertTrue(sealed.length < plain.length, "compressed before encryption");
        assertArrayEquals(plain, codec.open(utf8("inode/42"), sealed));
        assertNotEquals(java.util.Arrays.toString(sealed), java.util.Arrays.toString(codec.seal(utf8("inode/42"), plain)),
                "random nonce per value");
        assertArrayEquals(new byte[0], codec.open(utf8("k"), codec.seal(utf8("k"), new byte[0])));
    }

    @Test
    void tamperedValueIsACorruptValueNamingTheKey() {
        byte[] sealed = codec.seal(utf8("dirent/7/name"), utf8("some value"));
        sealed[sealed.length / 2] ^= 1;
        CorruptValueException e = assertThrows(CorruptValueException.class, () -> codec.open(utf8("dirent/7/name"), sealed));
        assertTrue(e.getMessage().contains("'dirent/7/name'"), e.getMessage());
        assertTrue(e.getCause() instanceof javax.crypto.AEADBadTagException);
    }

    @Test
    void valuesCannotBeSwappedBetweenKeys() {
        byte[] a = codec.seal(utf8("file/1"), utf8("secret A"));
        byte[] b = codec.seal(utf8("file/2"), utf8("secret B"));
        assertThrows(CorruptValueException.class, () -> codec.open(utf8("file/2"), a));
        assertThrows(CorruptValueException.class, () -> codec.open(utf8("file/1"), b));
        CorruptValueException e = assertThrows(CorruptValueException.class,
                () -> codec.open(new byte[] {0, 1, (byte) 0xff}, a));
        assertTrue(e.getMessage().contains("0x0001ff"), e.getMessage());
    }

    @Test
    void anotherDataKeyCannotOpen() {
        byte[] sealed = codec.seal(utf8("k"), utf8("v"));
        var other = new ValueCodec(new byte[32], Compression.lz4());
        assertThrows(CorruptValueException.class, () -> other.open(utf8("k"), sealed));
    }
}
