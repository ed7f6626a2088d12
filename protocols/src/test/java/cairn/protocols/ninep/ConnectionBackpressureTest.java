package cairn.protocols.ninep;

import static org.junit.jupiter.api.Assertions.*;

import cairn.protocols.ninep.wire.FrameDecoder;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Tmessage.Twrite;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connection's scheduling, driven step by step: workers run only when the test says so. */
class ConnectionBackpressureTest {
    private final ArrayDeque<Runnable> workers = new ArrayDeque<>();
    private final NinepOptions options = new NinepOptions(8192, true, false, 65534, 65534, Map.of(), 2, 16384);
    private final EmbeddedChannel ch = new EmbeddedChannel(
            new NinepConnection(new Dispatcher(new FsProbe().fs, options), workers::add, options,
                    new FrameDecoder(8192)));

    private void runOneWorker() {
        workers.poll().run();
        ch.runPendingTasks();
    }

    @Test
    void readingStopsAboveBudgetAndResumesBelowHalf() {
        for (int tag = 0; tag < 10; tag++) ch.writeInbound(new Twrite(tag, 1, 0, new byte[4000]));
        assertFalse(ch.config().isAutoRead(), "10 x 4 KiB held is above the 16 KiB budget");
        assertEquals(2, workers.size(), "only maxInFlight requests run at once");
        int replies = 0;
        while (!workers.isEmpty()) {
            runOneWorker();
            while (ch.readOutbound() instanceof Rmessage) replies++;
        }
        assertEquals(10, replies);
        assertTrue(ch.config().isAutoRead(), "reading resumes once the queue drained");
    }

    @Test
    void queuedRequestIsCancelledByFlush() {
        ch.writeInbound(new Twrite(1, 1, 0, new byte[1]));
        ch.writeInbound(new Twrite(2, 1, 0, new byte[1]));
        ch.writeInbound(new Twrite(3, 1, 0, new byte[1])); // queued: 2 in flight
        ch.writeInbound(new cairn.protocols.ninep.wire.Tmessage.Tflush(4, 3));
        assertEquals(new Rmessage.Rflush(4), ch.readOutbound());
        runOneWorker();
        runOneWorker();
        assertTrue(workers.isEmpty(), "the flushed request never started");
        assertEquals(1, ((Rmessage) ch.readOutbound()).tag());
        assertEquals(2, ((Rmessage) ch.readOutbound()).tag());
        assertNull(ch.readOutbound());
    }

    @Test
    void closeReleasesSessionAfterRunningRequestsFinish() {
        ch.writeInbound(new Twrite(1, 1, 0, new byte[1]));
        ch.writeInbound(new Twrite(2, 1, 0, new byte[1]));
        ch.writeInbound(new Twrite(3, 1, 0, new byte[1]));
        ch.close();
        assertEquals(2, workers.size(), "queued request dropped, running ones still owned by workers");
        runOneWorker();
        runOneWorker();
        assertEquals(1, workers.size(), "then one release task");
        runOneWorker();
        assertNull(ch.readOutbound(), "no replies after close");
    }
}
