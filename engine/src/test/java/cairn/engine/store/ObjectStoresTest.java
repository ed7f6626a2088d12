package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
    @TempDir
    Path dir;

    @Test
    void fileUrlOpensAMeteredFileStore() {
        var registry = new SimpleMeterRegistry();
        try (ObjectStore store = ObjectStores.open("file://" + dir, null, registry)) {
            store.put("k", new byte[] {1}, Map.of());
            assertEquals("file://" + dir.toAbsolutePath(), store.describe());
        }
        assertEquals(1, registry.timer("cairn.store.requests", "op", "put", "outcome", "ok").count());
    }

    @Test
    void memoryUrlSharesOneStorePerName() {
        var registry = new SimpleMeterRegistry();
        String name = "memory://objectstores-test-" + System.nanoTime();
        try (ObjectStore a = ObjectStores.open(name, null, registry)) {
            a.put("k", new byte[] {5}, Map.of());
        }
        try (ObjectStore b = ObjectStores.open(name, null, registry)) {
            assertArrayEquals(new byte[] {5}, b.get("k").orElseThrow().data());
        }
    }

    @Test
    void s3UrlOpensAVerifiedS3Store() {
        S3ProxyFixture s3 = S3ProxyFixture.shared();
        String bucket = s3.createBucket();
        try (ObjectStore store = ObjectStores.open("s3://" + bucket + "/vol1", s3.settings(), new SimpleMeterRegistry())) {
            store.put("k", new byte[] {3}, Map.of());
            assertTrue(store.describe().startsWith("s3://" + bucket + "/vol1/"));
            assertEquals(1, store.list("", null, 10).objects().size(), "the self-test key is gone");
        }
    }

    @Test
    void badUrlsAreClearErrors() {
        var registry = new SimpleMeterRegistry();
        assertThrows(IllegalArgumentException.class, () -> ObjectStores.open("nothing", null, registry));
        assertThrows(IllegalArgumentException.class, () -> ObjectStores.open("ftp://x", null, registry));
        assertThrows(IllegalArgumentException.class, () -> ObjectStores.open("file://", null, registry));
    }
}
