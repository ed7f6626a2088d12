package cairn.engine.fs;

import cairn.engine.lsm.KeyValue;
import cairn.engine.lsm.KvIterator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static org.junit.jupiter.api.Assertions.*;

/** Every stored value goes through the transform, sealed and opened with its own key as associated data. */
class SealingTest {

    /** Prefixes a checksum of (key, value) and flips the bytes; open verifies it, so a value under another key fails. */
    static final class KeyBoundTransform implements ValueTransform {
        int sealed, opened;

        @Override
        public synchronized byte[] seal(byte[] aad, byte[] plain) {
            sealed++;
            byte[] out = ByteBuffer.allocate(8 + plain.length).putLong(crc(aad, plain)).put(plain).array();
            for (int i = 8; i < out.length; i++) out[i] ^= (byte) 0x5A;
            return out;
        }

        @Override
        public synchronized byte[] open(byte[] aad, byte[] sealedValue) {
            opened++;
            byte[] plain = Arrays.copyOfRange(sealedValue, 8, sealedValue.length);
            for (int i = 0; i < plain.length; i++) plain[i] ^= (byte) 0x5A;
            if (ByteBuffer.wrap(sealedValue).getLong() != crc(aad, plain)) throw new IllegalStateException("value moved between keys");
            return plain;
        }

        private static long crc(byte[] aad, byte[] plain) {
            CRC32C c = new CRC32C();
            c.update(aad);
            c.update(plain);
            return c.getValue();
        }
    }

    @Test
    void everyValueIsSealedWithItsKey() {
        MemoryDb db = new MemoryDb();
        KeyBoundTransform inner = new KeyBoundTransform();
        ValueTransform codec = ValueTransform.of(inner::seal, inner::open);
        FsOptions opts = FsOptions.defaults().withExtentBytes(4096);
        Caller root = Caller.ROOT;
        long f;
        try (CairnFileSystem fs = CairnFileSystem.open(db, opts, codec)) {
            long d = fs.mkdir(root, ROOT_INODE, "dir", 0755).ino();
            f = fs.create(root, d, "file", 0644, true).ino();
            fs.write(root, f, 0, "secret contents".getBytes(StandardCharsets.UTF_8));
            fs.setxattr(root, f, "user.k", "secret xattr".getBytes(StandardCharsets.UTF_8), XattrMode.UPSERT);
            fs.rename(root, d, "file", ROOT_INODE, "moved", RenameMode.REPLACE);
        }
        // nothing is stored in plaintext, and every value opens under its own key
        try (KvIterator it = db.scan(new byte[0], null)) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                assertFalse(new String(kv.value(), StandardCharsets.ISO_8859_1).contains("secret"));
                codec.open(kv.key(), kv.value());
            }
        }
        try (CairnFileSystem fs = CairnFileSystem.open(db, opts, codec)) {
            assertEquals("secret contents", new String(fs.read(root, f, 0, 100).data(), StandardCharsets.UTF_8));
            assertEquals(f, fs.lookup(root, ROOT_INODE, "moved").ino());
            assertEquals(3, fs.readdir(root, ROOT_INODE, 0, 10).entries().size() - 2, ".nbd, dir and moved");
        }
        assertTrue(inner.sealed > 0 && inner.opened > 0);
    }
}
