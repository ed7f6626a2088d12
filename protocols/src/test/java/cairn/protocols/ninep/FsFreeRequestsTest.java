package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;
import static org.junit.jupiter.api.Assertions.*;

import cairn.protocols.ninep.client.NinepClient;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage.*;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that need no filesystem call (a clone walk, the clunk of a never-opened fid: three of the ten
 * requests a Linux client sends per open(O_CREAT) + close) are answered on the connection's event loop, so
 * they skip the two thread handoffs of a worker. Shown by behaviour: with the only worker slot held by a
 * blocked fsync they are still answered, while a request that calls the filesystem waits for a worker, no
 * request overtakes a queued one, and no filesystem call ever runs on an event loop.
 */
class FsFreeRequestsTest {
    private final FsProbe probe = new FsProbe();
    private ServerFixture fx;

    @AfterEach
    void stop() {
        probe.release();
        fx.close();
    }

    /** Waits for a reply that must come, or fails. */
    private static Rmessage reply(NinepClient.Pending p) throws Exception {
        return p.reply().get(30, TimeUnit.SECONDS);
    }

    @Test
    void answeredWithoutAWorkerWhileTheOnlySlotIsBlocked() throws Exception {
        fx = new ServerFixture(probe.fs, NinepOptions.defaults().withLimits(1, 16L << 20));
        var c = fx.attached(0);
        int opened = c.walkClone(0);
        c.lcreate(opened, "f", O_RDWR, 0644, 0);

        probe.open();
        var fsync = c.send(t -> new Tfsync(t, 0, 0)); // holds the only worker slot until released
        int clone = c.newFid();
        assertInstanceOf(Rwalk.class, reply(c.send(t -> new Twalk(t, 0, clone, List.of()))),
                "clone walk answered while the only worker is busy");
        assertEquals(List.of(), ((Rwalk) reply(c.send(t -> new Twalk(t, clone, c.newFid(), List.of())))).qids());
        assertInstanceOf(Rclunk.class, reply(c.send(t -> new Tclunk(t, clone))), "unopened fid clunked at once");
        assertFalse(fsync.reply().isDone(), "fsync still blocked");

        // The clunk of an opened fid releases the inode: it must wait for the worker, and so must a clone
        // walk behind it (nothing overtakes a queued request). Flushing the queued walk proves it was not
        // answered: a reply to it would have been written before the Rflush.
        var release = c.send(t -> new Tclunk(t, opened));
        var queuedWalk = c.send(t -> new Twalk(t, 0, c.newFid(), List.of()));
        assertInstanceOf(Rflush.class, reply(c.send(t -> new Tflush(t, queuedWalk.tag()))));
        assertFalse(queuedWalk.reply().isDone(), "a request behind a queued one was answered first");
        assertFalse(release.reply().isDone(), "the clunk of an opened fid ran without a worker");

        probe.release();
        assertInstanceOf(Rfsync.class, reply(fsync));
        assertInstanceOf(Rclunk.class, reply(release));
        assertEquals(List.of(), probe.eventLoopCalls, "filesystem calls made on an event loop");
    }
}
