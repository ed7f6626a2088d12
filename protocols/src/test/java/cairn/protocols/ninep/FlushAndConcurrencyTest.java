package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.protocols.ninep.client.NinepClient;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage.*;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tflush of queued and running requests; many outstanding tags; replies in completion order. */
class FlushAndConcurrencyTest {
    private FsProbe probe;
    private FileSystem fs;
    private ServerFixture fx;

    @BeforeEach
    void start() {
        probe = new FsProbe();
        fs = probe.fs;
    }

    @AfterEach
    void stop() {
        probe.release();
        fx.close();
    }

    private NinepClient serve(int maxInFlight) {
        fx = new ServerFixture(fs, NinepOptions.defaults().withLimits(maxInFlight, 16L << 20));
        return fx.attached(0);
    }

    /** Waits for a reply that must come, or fails. */
    private static Rmessage reply(NinepClient.Pending p) throws Exception {
        return p.reply().get(10, TimeUnit.SECONDS);
    }

    @Test
    void flushOfQueuedRequestCancelsItWithoutReply() throws Exception {
        var c = serve(1);
        probe.open();
        var blocked = c.send(t -> new Tfsync(t, 0, 0)); // occupies the only slot
        var queued = c.send(t -> new Tmkdir(t, 0, "never", 0755, 0));
        var flush = c.send(t -> new Tflush(t, queued.tag()));
        assertInstanceOf(Rflush.class, reply(flush));
        assertFalse(blocked.reply().isDone(), "fsync still blocked");
        probe.release();
        assertInstanceOf(Rfsync.class, reply(blocked));
        // a later request is answered after anything the connection would still have sent for the flushed tag
        assertInstanceOf(Rgetattr.class, c.call(t -> new Tgetattr(t, 0, GETATTR_BASIC)));
        assertFalse(queued.reply().isDone(), "flushed request got a reply");
        assertThrows(cairn.engine.fs.FsException.class,
                () -> fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "never"), "flushed mkdir did not run");
    }

    @Test
    void flushOfRunningRequestWaitsAndRepliesInOrder() throws Exception {
        var c = serve(8);
        probe.open();
        var running = c.send(t -> new Tfsync(t, 0, 0));
        // wait until the fsync really runs: other requests are answered meanwhile (concurrency)
        assertInstanceOf(Rgetattr.class, c.call(t -> new Tgetattr(t, 0, GETATTR_BASIC)));
        List<Rmessage> order = new ArrayList<>();
        running.reply().thenAccept(r -> {
            synchronized (order) {
                order.add(r);
            }
        });
        var flush = c.send(t -> new Tflush(t, running.tag()));
        flush.reply().thenAccept(r -> {
            synchronized (order) {
                order.add(r);
            }
        });
        assertInstanceOf(Rgetattr.class, c.call(t -> new Tgetattr(t, 0, GETATTR_BASIC)));
        assertFalse(flush.reply().isDone(), "Rflush waits for the running request");
        probe.release();
        assertInstanceOf(Rflush.class, reply(flush));
        synchronized (order) {
            assertEquals(2, order.size());
            assertInstanceOf(Rfsync.class, order.get(0), "the running request's reply precedes Rflush");
            assertInstanceOf(Rflush.class, order.get(1));
        }
    }

    @Test
    void flushOfUnknownTagAnswersAtOnce() throws Exception {
        var c = serve(4);
        assertInstanceOf(Rflush.class, c.call(t -> new Tflush(t, 4242)));
    }

    @Test
    void manyOutstandingTagsAllAnswered() throws Exception {
        var c = serve(32);
        long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, "f", 0644, true).ino();
        c.walk(0, 1, "f");
        c.lopen(1, O_RDWR);
        int n = 500;
        List<NinepClient.Pending> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = {(byte) i, (byte) (i >> 8)};
            long offset = 2L * i;
            writes.add(c.send(t -> new Twrite(t, 1, offset, data)));
        }
        for (var w : writes) assertEquals(new Rwrite(w.tag(), 2), reply(w));
        List<NinepClient.Pending> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long offset = 2L * i;
            reads.add(c.send(t -> new Tread(t, 1, offset, 2)));
        }
        for (int i = 0; i < n; i++) {
            byte[] got = ((Rread) reply(reads.get(i))).data();
            assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8)}, got, "read " + i);
        }
        assertEquals(2L * n, fs.getattr(ino).size());
    }

    @Test
    void slowRequestDoesNotHoldBackOthers() throws Exception {
        var c = serve(4);
        probe.open();
        var slow = c.send(t -> new Tfsync(t, 0, 0));
        for (int i = 0; i < 20; i++) c.mkdir(0, "d" + i, 0755, 0);
        assertFalse(slow.reply().isDone());
        probe.release();
        assertInstanceOf(Rfsync.class, reply(slow));
    }

    @Test
    void reusedTagInFlightClosesConnection() throws Exception {
        var c = serve(4);
        probe.open();
        var first = c.send(t -> new Tfsync(t, 0, 0));
        c.send(t -> new Tgetattr(first.tag(), 0, GETATTR_BASIC)); // a buggy client reusing the tag
        NinepServerTest.waitFor(() -> !c.isOpen());
    }
}
