package cairn.engine.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ObjectStore} backend must show; one subclass per backend. */
abstract class ObjectStoreConformanceTest {
    protected ObjectStore store;

    /** A fresh, empty store. */
    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void missingKeyIsAnEmptyAnswer() {
        assertTrue(store.get("nope").isEmpty());
        assertTrue(store.getRange("nope", 0, 10).isEmpty());
        assertTrue(store.head("nope").isEmpty());
        store.delete("nope"); // not an error
    }

    @Test
    void putThenGetReturnsDataEtagAndMetadata() {
        Map<String, String> md = Map.of("cairn-kind", "wal", "cairn-epoch", "7");
        ObjectInfo put = store.put("wal/00000000000000000001", bytes("hello world"), md);
        assertEquals(11, put.size());
        assertTrue(put.etag() != null && !put.etag().isEmpty());

        StoredObject got = store.get("wal/00000000000000000001").orElseThrow();
        assertArrayEquals(bytes("hello world"), got.data());
        assertEquals(put.etag(), got.info().etag());
        assertEquals(md, got.info().metadata());
        assertEquals(11, got.info().size());

        ObjectInfo head = store.head("wal/00000000000000000001").orElseThrow();
        assertEquals(put.etag(), head.etag());
        assertEquals(11, head.size());
        assertEquals(md, head.metadata());
    }

    @Test
    void emptyObject() {
        store.put("empty", new byte[0], Map.of());
        assertEquals(0, store.get("empty").orElseThrow().data().length);
        assertEquals(0, store.head("empty").orElseThrow().size());
        assertEquals(0, store.getRange("empty", 0, 5).orElseThrow().data().length);
    }

    @Test
    void getRangeReturnsTheRequestedBytesAndFewerAtTheEnd() {
        store.put("r", bytes("0123456789"), Map.of());
        assertArrayEquals(bytes("234"), store.getRange("r", 2, 3).orElseThrow().data());
        assertArrayEquals(bytes("789"), store.getRange("r", 7, 100).orElseThrow().data());
        assertEquals(0, store.getRange("r", 10, 5).orElseThrow().data().length);
        assertEquals(0, store.getRange("r", 50, 5).orElseThrow().data().length);
        assertEquals(10, store.getRange("r", 2, 3).orElseThrow().info().size());
    }

    @Test
    void putReplacesAndChangesTheEtag() {
        ObjectInfo first = store.put("k", bytes("one"), Map.of());
        ObjectInfo second = store.put("k", bytes("two!"), Map.of());
        assertNotEquals(first.etag(), second.etag());
        assertArrayEquals(bytes("two!"), store.get("k").orElseThrow().data());
        assertEquals(second.etag(), store.head("k").orElseThrow().etag());
    }

    @Test
    void putIfAbsentCreatesOnceAndNeverOverwrites() {
        ConditionalPut first = store.putIfAbsent("manifest/1", bytes("first"), Map.of("cairn-token", "a"));
        ConditionalPut second = store.putIfAbsent("manifest/1", bytes("second"), Map.of("cairn-token", "b"));
        ObjectInfo written = assertInstanceOf(ConditionalPut.Written.class, first).info();
        assertInstanceOf(ConditionalPut.Conflict.class, second);
        StoredObject got = store.get("manifest/1").orElseThrow();
        assertArrayEquals(bytes("first"), got.data());
        assertEquals(written.etag(), got.info().etag());
        assertEquals("a", got.info().metadata().get("cairn-token"));
    }

    @Test
    void putIfMatchReplacesOnlyTheMatchingVersion() {
        ObjectInfo v1 = store.put("lease", bytes("v1"), Map.of());
        ObjectInfo v2 = assertInstanceOf(ConditionalPut.Written.class,
                store.putIfMatch("lease", bytes("v2"), Map.of(), v1.etag())).info();
        assertNotEquals(v1.etag(), v2.etag());
        assertInstanceOf(ConditionalPut.Conflict.class, store.putIfMatch("lease", bytes("v3"), Map.of(), v1.etag()));
        assertArrayEquals(bytes("v2"), store.get("lease").orElseThrow().data());
        assertEquals(v2.etag(), store.head("lease").orElseThrow().etag());
        assertInstanceOf(ConditionalPut.Conflict.class, store.putIfMatch("missing", bytes("x"), Map.of(), v1.etag()));
        assertTrue(store.head("missing").isEmpty());
    }

    @Test
    void deleteRemovesTheKey() {
        store.put("gone", bytes("x"), Map.of());
        store.delete("gone");
        assertTrue(store.get("gone").isEmpty());
        assertTrue(store.list("", null, 100).objects().isEmpty());
        assertTrue(store.putIfAbsent("gone", bytes("again"), Map.of()).written());
    }

    @Test
    void listIsInAscendingKeyOrderWithPrefixStartAfterAndPaging() {
        // chosen so that a directory walk in name order would be wrong: '-' < '/' < '0'
        // (no key is also a "directory" of another: s3proxy's file-based backends cannot store both "a" and "a/b")
        List<String> keys = List.of("a-c", "a/b", "a/c/d", "a0", "b/c/d", "b/c~e", "sst/01", "sst/02", "z%");
        for (String k : keys) store.put(k, bytes("v:" + k), Map.of("m", "x"));

        ListPage all = store.list("", null, 1000);
        assertEquals(keys, all.objects().stream().map(ObjectInfo::key).toList());
        assertFalse(all.truncated());
        ObjectInfo first = all.objects().get(0);
        assertEquals(5, first.size());
        assertEquals(store.head("a-c").orElseThrow().etag(), first.etag());

        assertEquals(List.of("a/b", "a/c/d"), keys(store.list("a/", null, 100)));
        assertEquals(List.of("sst/01", "sst/02"), keys(store.list("sst/", null, 100)));
        assertEquals(List.of("sst/02"), keys(store.list("sst/", "sst/01", 100)));
        assertEquals(List.of("a0", "b/c/d", "b/c~e"), keys(store.list("", "a/c/d", 3)));
        assertEquals(List.of("a/c/d", "a0"), keys(store.list("", "a/b", 2)));
        assertEquals(List.of("b/c/d", "b/c~e"), keys(store.list("b", "a", 100)));
        assertTrue(store.list("nothing/", null, 10).objects().isEmpty());
        assertTrue(store.list("", "zz", 10).objects().isEmpty());

        List<String> paged = new ArrayList<>();
        String after = null;
        for (int pages = 0; ; pages++) {
            assertTrue(pages < 20, "paging does not end");
            ListPage p = store.list("", after, 3);
            paged.addAll(keys(p));
            if (!p.truncated()) break;
            after = p.lastKey();
        }
        assertEquals(keys, paged);
        assertTrue(store.list("", null, keys.size()).objects().size() == keys.size());
    }

    private static List<String> keys(ListPage p) {
        return p.objects().stream().map(ObjectInfo::key).toList();
    }

    @Test
    void racingCreateIfAbsentHasExactlyOneWinnerEachRound() throws Exception {
        int threads = 32, rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "race/" + round;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<ConditionalPut>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    byte[] body = bytes("writer-" + t);
                    results.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return store.putIfAbsent(key, body, Map.of());
                    }));
                }
                int winners = 0;
                String winnerEtag = null;
                for (Future<ConditionalPut> f : results) {
                    if (f.get(60, TimeUnit.SECONDS) instanceof ConditionalPut.Written w) {
                        winners++;
                        winnerEtag = w.info().etag();
                    }
                }
                assertEquals(1, winners, "round " + round);
                assertEquals(winnerEtag, store.head(key).orElseThrow().etag(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
