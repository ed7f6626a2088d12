package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionalWriteCheckTest {
    /** A store like s3rver: accepts If-None-Match and ignores it. */
    private static final class IgnoresConditions extends ForwardingStore {
        IgnoresConditions(ObjectStore inner) {
            super(inner);
        }

        @Override
        public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
            return new ConditionalPut.Written(put(key, data, metadata));
        }
    }

    @Test
    void honouringStorePassesAndLeavesNoScratchKey() {
        var memory = new MemoryStore();
        ConditionalWriteCheck.verify(memory);
        assertTrue(memory.list("", null, 10).objects().isEmpty());
    }

    @Test
    void storeThatIgnoresIfNoneMatchIsRefused() {
        var memory = new MemoryStore();
        StoreException e = assertThrows(StoreException.class,
                () -> ConditionalWriteCheck.verify(new IgnoresConditions(memory)));
        assertTrue(e.getMessage().contains("ignores If-None-Match") && e.getMessage().contains("refusing to start"));
        assertTrue(memory.list("", null, 10).objects().isEmpty());
    }

    @Test
    void s3proxyPasses() {
        try (S3Store s3 = S3ProxyFixture.shared().newStore()) {
            s3.verifyConditionalWrites();
        }
    }
}
