package cairn.protocols.rpc;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ReplyCacheTest {
    private static ReplyCache.Key key(int xid) {
        return new ReplyCache.Key(InetAddress.getLoopbackAddress(), xid, 100003, 3, 12, 42);
    }

    @Test
    void runsOnceDropsWhileRunningReplaysAfter() {
        var cache = new ReplyCache(10);
        assertInstanceOf(ReplyCache.Admission.Run.class, cache.begin(key(1)));
        assertInstanceOf(ReplyCache.Admission.InProgress.class, cache.begin(key(1)));
        cache.complete(key(1), new byte[] {5});
        var replay = assertInstanceOf(ReplyCache.Admission.Replay.class, cache.begin(key(1)));
        assertArrayEquals(new byte[] {5}, replay.reply());
        assertInstanceOf(ReplyCache.Admission.Run.class, cache.begin(key(2)));
    }

    @Test
    void boundedLeastRecentlyUsedFirstOut() {
        var cache = new ReplyCache(3);
        for (int i = 0; i < 3; i++) {
            cache.begin(key(i));
            cache.complete(key(i), new byte[] {(byte) i});
        }
        cache.begin(key(0)); // touch 0: 1 is now the eldest
        cache.begin(key(3));
        assertEquals(3, cache.size());
        assertInstanceOf(ReplyCache.Admission.Run.class, cache.begin(key(1)));
    }

    @Test
    void abandonedCallRunsAgain() {
        var cache = new ReplyCache(3);
        cache.begin(key(9));
        cache.abandon(key(9));
        assertInstanceOf(ReplyCache.Admission.Run.class, cache.begin(key(9)));
    }
}
