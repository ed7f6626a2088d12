package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-connection memory bound and completion-order replies, with an executor the test runs by hand. */
class RpcDispatcherTest {

    /** Program 7 v1: procedure 0 echoes its one int argument; procedure 1 is non-idempotent and counts calls. */
    private static final class Echo implements RpcProgram {
        int mutations;

        public int program() { return 7; }
        public int lowVersion() { return 1; }
        public int highVersion() { return 1; }
        public boolean hasProcedure(int version, int procedure) { return procedure <= 1; }
        public boolean cachesReplies(int version, int procedure) { return procedure == 1; }

        public void call(Context context, XdrReader args, XdrWriter results) {
            if (context.call().procedure() == 1) mutations++;
            results.writeInt(args.readInt());
        }
    }

    private final Echo echo = new Echo();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    private EmbeddedChannel channel(long bytesMax, int callsMax) {
        var ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 50000);
            }
        };
        ch.pipeline().addLast(RpcCallDecoder.INSTANCE,
                new RpcDispatcher(new RpcProgramRegistry(List.of(echo)), new ReplyCache(16), tasks::add, bytesMax, callsMax));
        return ch;
    }

    private static ByteBuf call(int xid, int procedure, int value) {
        ByteBuf b = Unpooled.buffer();
        var w = new XdrWriter(b);
        w.writeInt(xid).writeInt(Rpc.CALL).writeInt(Rpc.VERSION).writeInt(7).writeInt(1).writeInt(procedure);
        RpcAuth.write(w, RpcAuth.NONE);
        w.writeInt(0).writeInt(0).writeInt(value);
        return b;
    }

    private static int replyXid(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        try {
            return b.getInt(0);
        } finally {
            b.release();
        }
    }

    @Test
    void stopsReadingAtTheCallBudgetAndResumesWhenDrained() {
        var ch = channel(1 << 20, 4);
        for (int i = 0; i < 3; i++) ch.writeInbound(call(i, 0, i));
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(call(3, 0, 3));
        assertFalse(ch.config().isAutoRead(), "4 calls in flight: stop reading");
        // replies go out in completion order: run the last call first
        tasks.pollLast().run();
        ch.runPendingTasks();
        assertEquals(3, replyXid(ch));
        while (!tasks.isEmpty()) tasks.poll().run();
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "drained: read again");
        assertEquals(0, replyXid(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void stopsReadingAtTheByteBudget() {
        var ch = channel(6, 1000); // each call carries 4 argument bytes
        ch.writeInbound(call(1, 0, 1));
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(call(2, 0, 2));
        assertFalse(ch.config().isAutoRead());
        while (!tasks.isEmpty()) tasks.poll().run();
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
    }

    @Test
    void duplicateOfARunningCallIsDroppedAndOfAFinishedOneReplayed() {
        var ch = channel(1 << 20, 100);
        ch.writeInbound(call(9, 1, 42));
        ch.writeInbound(call(9, 1, 42)); // retransmission while the first still runs
        assertEquals(1, tasks.size());
        tasks.poll().run();
        ch.runPendingTasks();
        assertEquals(9, replyXid(ch));
        assertNull(ch.readOutbound());
        ch.writeInbound(call(9, 1, 42)); // retransmission after the reply was lost
        assertEquals(0, tasks.size(), "answered from the cache, not run again");
        assertEquals(9, replyXid(ch));
        assertEquals(1, echo.mutations);
        ch.finishAndReleaseAll();
    }
}
