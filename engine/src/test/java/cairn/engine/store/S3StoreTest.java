package cairn.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** S3-specific behaviour: error mapping, prefixes, and ambiguous conditional writes against s3proxy. */
class S3StoreTest {
    private final S3ProxyFixture s3 = S3ProxyFixture.shared();

    @Test
    void wrongCredentialsAreAFatalError() {
        S3Settings bad = s3.settings().withStaticCredentials(S3ProxyFixture.IDENTITY, "not-the-secret");
        try (S3Store store = new S3Store(bad, s3.createBucket(), "v")) {
            StoreException e = assertThrows(StoreException.class, () -> store.get("k"));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            assertFalse(store.describe().contains("not-the-secret"));
            assertFalse(bad.toString().contains("not-the-secret"));
        }
    }

    @Test
    void missingBucketIsAnErrorNotAMissingKey() {
        try (S3Store store = s3.newStore("no-such-bucket-" + System.nanoTime(), "v")) {
            assertFalse(assertThrows(StoreException.class, () -> store.get("k")).retryable());
            assertThrows(StoreException.class, () -> store.verifyConditionalWrites());
        }
    }

    @Test
    void unreachableEndpointIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3Settings nowhere = s3.settings().withEndpoint(URI.create("http://127.0.0.1:" + port))
                .withRequestTimeout(Duration.ofSeconds(5));
        try (S3Store store = new S3Store(nowhere, "b", "v")) {
            assertTrue(assertThrows(StoreException.class, () -> store.head("k")).retryable());
        }
    }

    @Test
    void prefixesIsolateVolumesInOneBucket() {
        String bucket = s3.createBucket();
        try (S3Store a = s3.newStore(bucket, "vol-a"); S3Store b = s3.newStore(bucket, "vol-b/")) {
            a.put("wal/1", new byte[] {1}, Map.of());
            b.put("wal/1", new byte[] {2}, Map.of());
            assertEquals(1, a.get("wal/1").orElseThrow().data()[0]);
            assertEquals(List.of("wal/1"), b.list("", null, 10).objects().stream().map(ObjectInfo::key).toList());
            assertTrue(a.putIfAbsent("wal/2", new byte[0], Map.of()).written());
            assertTrue(b.head("wal/2").isEmpty());
        }
    }

    @Test
    void lostReplyOfARealConditionalPutIsResolvedByTheToken() {
        try (S3Store raw = s3.newStore()) {
            var faulty = new FaultInjectingStore(raw, 3);
            faulty.add(FaultRule.always(Fault.replyLost()).onOps(StoreOp.PUT_IF_ABSENT).times(1));
            var store = new RetryingStore(faulty, new RetryPolicy(Duration.ofSeconds(20), Duration.ofMillis(1),
                    Duration.ofMillis(10), () -> {}));
            assertInstanceOf(ConditionalPut.Written.class, store.putIfAbsent("manifest/1", new byte[] {1}, Map.of()));
            assertInstanceOf(ConditionalPut.Conflict.class, store.putIfAbsent("manifest/1", new byte[] {2}, Map.of()));
            assertTrue(raw.head("manifest/1").orElseThrow().metadata().containsKey(RetryingStore.TOKEN));
        }
    }
}
