package cairn.chaos.s3;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.S3ProxyFixture;
import cairn.engine.store.S3Store;
import cairn.engine.store.StoreException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import cairn.engine.store.S3Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of a real S3 server (s3proxy), driven by Cairn's own S3 store. */
class S3FaultProxyTest {

    // One proxy and one HTTP client for the class: a Netty event loop takes seconds to shut down.
    private static final S3ProxyFixture s3 = S3ProxyFixture.shared();
    private static final FaultPlan plan = new FaultPlan(42);
    private static S3FaultProxy proxy;
    private static S3Settings settings;
    private static SdkAsyncHttpClient http;
    private S3Store store;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = new S3FaultProxy(s3.endpoint(), plan);
        InetSocketAddress bound = proxy.start(new InetSocketAddress("127.0.0.1", 0));
        settings = s3.settings().withEndpoint(URI.create("http://127.0.0.1:" + bound.getPort()));
        http = S3Store.newHttpClient(settings);
    }

    @AfterAll
    static void stopProxy() {
        http.close();
        proxy.close();
    }

    @BeforeEach
    void freshBucket() {
        store = new S3Store(settings, s3.createBucket(), "vol", http);
    }

    @AfterEach
    void clearFaults() {
        plan.clear();
        plan.resume();
    }

    @Test
    void forwardsRealS3SemanticsUnchanged() {
        store.put("a/1", new byte[] {1, 2, 3}, Map.of("x", "y"));
        assertArrayEquals(new byte[] {1, 2, 3}, store.get("a/1").orElseThrow().data());
        assertEquals(3, store.head("a/1").orElseThrow().size());
        assertTrue(store.putIfAbsent("a/2", new byte[] {9}, Map.of()).written());
        assertFalse(store.putIfAbsent("a/2", new byte[] {8}, Map.of()).written(), "create-if-absent still holds");
        assertEquals(2, store.list("a/", null, 100).objects().size());
        assertTrue(proxy.forwardedCount() > 0);
    }

    @Test
    void injectedSlowDownIsARetryableError() {
        plan.add(FaultRule.parse("kind=error op=PUT prefix=vol/wal/ status=503"));
        var e = assertThrows(StoreException.class, () -> store.put("wal/1", new byte[] {1}, Map.of()));
        assertTrue(e.retryable(), e.toString());
        store.put("sst/1", new byte[] {1}, Map.of()); // other prefixes unaffected
        assertTrue(proxy.injectedCount() >= 1);
    }

    @Test
    void lostResponseOnCreateIfAbsentIsResolvedAsWrittenByTheWriterToken() {
        plan.add(FaultRule.parse("kind=lost-response op=put-if-absent p=1"));
        ConditionalPut result;
        try {
            result = store.putIfAbsent("manifest/1", new byte[] {7}, Map.of());
        } catch (StoreException e) {
            // A backend may also surface the ambiguity; then the object must still be exactly ours.
            result = null;
        }
        plan.clear();
        assertArrayEquals(new byte[] {7}, store.get("manifest/1").orElseThrow().data(), "the request took effect");
        if (result != null) assertTrue(result.written(), "our own write must not be reported as a conflict");
        assertFalse(store.putIfAbsent("manifest/1", new byte[] {8}, Map.of()).written());
    }

    @Test
    void pauseHoldsRequestsUntilResumed() throws Exception {
        store.put("k", new byte[] {5}, Map.of());
        plan.pause();
        var get = CompletableFuture.supplyAsync(() -> store.get("k"));
        assertThrows(TimeoutException.class, () -> get.get(300, TimeUnit.MILLISECONDS), "paused requests wait");
        plan.resume();
        assertArrayEquals(new byte[] {5}, get.get(10, TimeUnit.SECONDS).orElseThrow().data());
    }

    @Test
    void requestsBeyondTheCapAreAnsweredSlowDownAtOnce() throws Exception {
        var cappedPlan = new FaultPlan(7);
        try (var capped = new S3FaultProxy(s3.endpoint(), cappedPlan, new S3FaultProxy.Limits(2, 16))) {
            int port = capped.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
            var client = HttpClient.newHttpClient();
            var get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bucket/key"))
                    .timeout(Duration.ofSeconds(30)).build();
            cappedPlan.pause();
            var held = List.of(client.sendAsync(get, HttpResponse.BodyHandlers.ofString()),
                    client.sendAsync(get, HttpResponse.BodyHandlers.ofString()));
            awaitInFlight(capped, 2);
            var third = client.send(get, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, third.statusCode());
            assertTrue(third.body().contains("SlowDown"), third.body());
            assertEquals(1, capped.refusedCount());
            cappedPlan.resume();
            for (var r : held) assertNotEquals(503, r.get(30, TimeUnit.SECONDS).statusCode(), "held requests are served");
            awaitInFlight(capped, 0);
        }
    }

    private static void awaitInFlight(S3FaultProxy proxy, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (proxy.inFlightCount() != n) {
            assertTrue(System.nanoTime() < deadline, "in flight: " + proxy.inFlightCount() + ", expected " + n);
            TimeUnit.MILLISECONDS.sleep(5); // poll interval of a deadline-bounded wait
        }
    }

    @Test
    void faultSpecsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse("kind=explode"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse("op=GET"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parse("kind=error p=2"));
        assertEquals("kind=latency op=GET prefix=sst/ p=0.5 status=503 ms=50",
                FaultRule.parse("kind=latency op=get prefix=sst/ p=0.5 ms=50").describe());
    }
}
