package cairn.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.engine.store.ForwardingStore;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ConditionalPut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyManagerTest {
    private final MemoryStore store = new MemoryStore();

    @TempDir
    Path dir;

    @Test
    void createThenOpenGivesTheSameDataKey() {
        var created = KeyManager.create(store, Secret.password("correct horse"), KdfParams.CHEAP);
        var opened = KeyManager.open(store, Secret.password("correct horse"));
        assertEquals(1, opened.version());
        assertArrayEquals(created.key(), opened.key());
        assertEquals(List.of("keys/00000000000000000001"), keys());
        assertThrows(KeyConflictException.class, () -> KeyManager.create(store, Secret.password("x"), KdfParams.CHEAP));
    }

    @Test
    void wrongPasswordIsAClearErrorAndWritesNothing() {
        KeyManager.create(store, Secret.password("right"), KdfParams.CHEAP);
        WrongPasswordException e = assertThrows(WrongPasswordException.class,
                () -> KeyManager.open(store, Secret.password("wrong")));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
        assertThrows(WrongPasswordException.class,
                () -> KeyManager.changePassword(store, Secret.password("wrong"), Secret.password("new"), KdfParams.CHEAP));
        assertEquals(1, keys().size());
    }

    @Test
    void changedPasswordOpensWithTheNewOneOnly() {
        var created = KeyManager.create(store, Secret.password("old"), KdfParams.CHEAP);
        var changed = KeyManager.changePassword(store, Secret.password("old"), Secret.password("new"), KdfParams.CHEAP);
        assertEquals(2, changed.version());
        var opened = KeyManager.open(store, Secret.password("new"));
        assertEquals(2, opened.version());
        assertArrayEquals(created.key(), opened.key(), "the data key itself never changes");
        assertThrows(WrongPasswordException.class, () -> KeyManager.open(store, Secret.password("old")));
    }

    @Test
    void lostRaceOnPasswordChangeIsAClearError() {
        KeyManager.create(store, Secret.password("old"), KdfParams.CHEAP);
        // another process creates keys/2 between our read and our write
        var racing = new ForwardingStore(store) {
            @Override
            public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
                inner.putIfAbsent(key, new byte[] {1}, Map.of());
                return inner.putIfAbsent(key, data, metadata);
            }
        };
        KeyConflictException e = assertThrows(KeyConflictException.class,
                () -> KeyManager.changePassword(racing, Secret.password("old"), Secret.password("new"), KdfParams.CHEAP));
        assertTrue(e.getMessage().contains("concurrently"), e.getMessage());
    }

    @Test
    void damagedNewestVersionIsSkipped() {
        KeyManager.create(store, Secret.password("pw"), KdfParams.CHEAP);
        store.put("keys/00000000000000000002", new byte[] {'C', 'R', 'N', 'K', 1, 0, 0, 0, 0, 9}, Map.of());
        assertEquals(1, KeyManager.open(store, Secret.password("pw")).version());
    }

    @Test
    void tamperedParametersDoNotUnlock() {
        KeyManager.create(store, Secret.password("pw"), KdfParams.CHEAP);
        byte[] body = store.get("keys/00000000000000000001").orElseThrow().data();
        body[body.length - 5] ^= 1; // inside the wrapped key; then fix the checksum so only the AEAD can notice
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body, 9, body.length - 9);
        java.nio.ByteBuffer.wrap(body).putInt(5, (int) crc.getValue());
        store.put("keys/00000000000000000001", body, Map.of());
        assertThrows(WrongPasswordException.class, () -> KeyManager.open(store, Secret.password("pw")));
    }

    @Test
    void hostileKdfParametersAreRejected() {
        KeyManager.create(store, Secret.password("pw"), KdfParams.CHEAP);
        byte[] body = store.get("keys/00000000000000000001").orElseThrow().data();
        java.nio.ByteBuffer.wrap(body).putInt(11, Integer.MAX_VALUE); // memory KiB: 2 TiB
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body, 9, body.length - 9);
        java.nio.ByteBuffer.wrap(body).putInt(5, (int) crc.getValue());
        assertTrue(assertThrows(KeyObject.Malformed.class, () -> KeyObject.decode(body)).getMessage().contains("bounds"));
        store.put("keys/00000000000000000001", body, Map.of());
        assertThrows(IllegalStateException.class, () -> KeyManager.open(store, Secret.password("pw")));
    }

    @Test
    void keyFileMode() throws Exception {
        Path file = dir.resolve("volume.key");
        Secret secret = Secret.createKeyFile(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Files.size(file));
        var created = KeyManager.create(store, secret, KdfParams.CHEAP);
        assertArrayEquals(created.key(), KeyManager.open(store, Secret.keyFile(file)).key());
        WrongPasswordException e = assertThrows(WrongPasswordException.class,
                () -> KeyManager.open(store, Secret.password("guess")));
        assertTrue(e.getMessage().contains("key file"), e.getMessage());
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> Secret.createKeyFile(file));
    }

    @Test
    void emptyVolumeHasNoKeys() {
        assertThrows(IllegalStateException.class, () -> KeyManager.open(store, Secret.password("pw")));
    }

    @Test
    void derivationIsDeterministicAndSalted() {
        byte[] salt = new byte[16];
        byte[] a = KeyManager.derive(Secret.password("pw"), KdfParams.CHEAP, salt);
        byte[] b = KeyManager.derive(Secret.password("pw"), KdfParams.CHEAP, salt);
        salt[0] = 1;
        byte[] c = KeyManager.derive(Secret.password("pw"), KdfParams.CHEAP, salt);
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    private List<String> keys() {
        return store.list("keys/", null, 100).objects().stream().map(ObjectInfo::key).toList();
    }
}
