package cairn.protocols.ninep;

import cairn.protocols.ninep.wire.Dirent;
import cairn.protocols.ninep.wire.FrameDecoder;
import cairn.protocols.ninep.wire.Protocol;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.Rflush;
import cairn.protocols.ninep.wire.Rmessage.Rread;
import cairn.protocols.ninep.wire.Rmessage.Rreaddir;
import cairn.protocols.ninep.wire.Rmessage.Rversion;
import cairn.protocols.ninep.wire.Tmessage;
import cairn.protocols.ninep.wire.Tmessage.Tflush;
import cairn.protocols.ninep.wire.Tmessage.Twrite;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: runs its requests concurrently (at most {@code maxInFlight} at once, each on a
 * virtual thread, the rest queued), replies in completion order, answers Tflush and bounds its memory.
 * Requests that need no filesystem call (clone walks, clunks of unopened fids) are answered on the event
 * loop when nothing is queued: a kernel client sends one request at a time per syscall step, and each hop
 * to a worker and back costs two thread wake-ups, which on a loaded host dominate these requests' latency.
 *
 * <p>All fields are touched on the channel's event loop only; workers hand their reply back to it.
 *
 * <p>Tflush: a request still queued is cancelled and never answered; a running one is let finish and its
 * reply is sent before the Rflush, as flush(5) requires (the client honours a reply that precedes Rflush,
 * since the request may have changed state, e.g. allocated a fid).
 *
 * <p>Memory: request bytes held (queued or running) plus reply bytes not yet written stop reading from the
 * socket above {@code connectionBudgetBytes} and resume below half of it.
 */
final class NinepConnection extends SimpleChannelInboundHandler<Tmessage> {
    private static final Logger log = LoggerFactory.getLogger(NinepConnection.class);
    /** Accounting floor per message: record and bookkeeping overhead. */
    private static final int MESSAGE_OVERHEAD_BYTES = 256;

    private final Dispatcher dispatcher;
    private final Executor workers;
    private final NinepOptions options;
    private final FrameDecoder frames;
    private final Session session;

    private final Map<Integer, Request> byTag = new HashMap<>();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private int running;
    private long heldBytes;
    private boolean closed;
    private boolean released;

    private static final class Request {
        final Tmessage message;
        final long bytes;
        boolean started;
        List<Tflush> flushes = List.of();

        Request(Tmessage message, long bytes) {
            this.message = message;
            this.bytes = bytes;
        }
    }

    NinepConnection(Dispatcher dispatcher, Executor workers, NinepOptions options, FrameDecoder frames) {
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.options = options;
        this.frames = frames;
        this.session = new Session(options.msizeMax());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Tmessage message) {
        if (closed) return;
        if (message instanceof Tflush flush) {
            flush(ctx, flush);
            return;
        }
        if (byTag.containsKey(message.tag())) {
            log.warn("9P client {} reused tag {} while in flight; closing", ctx.channel().remoteAddress(),
                    message.tag());
            closed = true;
            ctx.close();
            return;
        }
        // Only with nothing queued: a request answered here never overtakes one waiting for a worker.
        if (queue.isEmpty()) {
            Rmessage reply = dispatcher.answerWithoutFilesystem(session, message);
            if (reply != null) {
                send(ctx, reply);
                ctx.flush();
                return;
            }
        }
        var request = new Request(message, requestBytes(message));
        byTag.put(message.tag(), request);
        queue.add(request);
        hold(ctx, request.bytes);
        pump(ctx);
    }

    private void flush(ChannelHandlerContext ctx, Tflush flush) {
        Request old = byTag.get(flush.oldtag());
        if (old == null || old.message instanceof Tflush) {
            ctx.writeAndFlush(new Rflush(flush.tag()));
        } else if (!old.started) {
            queue.remove(old);
            byTag.remove(flush.oldtag());
            hold(ctx, -old.bytes);
            ctx.writeAndFlush(new Rflush(flush.tag()));
        } else {
            if (old.flushes.isEmpty()) old.flushes = new ArrayList<>(1);
            old.flushes.add(flush);
        }
    }

    private void pump(ChannelHandlerContext ctx) {
        while (running < options.maxInFlight() && !queue.isEmpty()) {
            Request r = queue.poll();
            r.started = true;
            running++;
            workers.execute(() -> {
                Rmessage reply = dispatcher.handle(session, r.message);
                try {
                    ctx.executor().execute(() -> complete(ctx, r, reply));
                } catch (RejectedExecutionException stopping) {
                    // the server is shutting down: the connection is gone, the reply with it
                }
            });
        }
    }

    private void complete(ChannelHandlerContext ctx, Request r, Rmessage reply) {
        running--;
        byTag.remove(r.message.tag());
        hold(ctx, -r.bytes);
        if (!closed) {
            if (reply instanceof Rversion v && v.version().equals(Protocol.VERSION)) frames.maxFrameBytes(v.msize());
            send(ctx, reply);
            for (Tflush flush : r.flushes) ctx.write(new Rflush(flush.tag()));
            ctx.flush();
            pump(ctx);
        }
        releaseIfIdle();
    }

    /** Writes a reply (not flushed); its bytes count against the budget until written. */
    private void send(ChannelHandlerContext ctx, Rmessage reply) {
        long replyBytes = replyBytes(reply);
        hold(ctx, replyBytes);
        ctx.write(reply).addListener(f -> hold(ctx, -replyBytes));
    }

    private void hold(ChannelHandlerContext ctx, long bytes) {
        heldBytes += bytes;
        var config = ctx.channel().config();
        if (heldBytes > options.connectionBudgetBytes() && config.isAutoRead()) {
            config.setAutoRead(false);
        } else if (heldBytes <= options.connectionBudgetBytes() / 2 && !config.isAutoRead() && !closed) {
            config.setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        for (Request r : queue) byTag.remove(r.message.tag());
        queue.clear();
        releaseIfIdle();
        ctx.fireChannelInactive();
    }

    /** Once closed and no request runs: clunk every fid and drop every lock (on a worker, it blocks). */
    private void releaseIfIdle() {
        if (closed && running == 0 && !released) {
            released = true;
            workers.execute(() -> dispatcher.releaseAll(session));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("9P connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        closed = true; // frames already decoded behind the bad one are not run
        ctx.close();
    }

    private static long requestBytes(Tmessage m) {
        return MESSAGE_OVERHEAD_BYTES + (m instanceof Twrite w ? w.data().length : 0);
    }

    private static long replyBytes(Rmessage m) {
        return MESSAGE_OVERHEAD_BYTES + switch (m) {
            case Rread r -> r.data().length;
            case Rreaddir r -> r.entries().stream().mapToLong(Dirent::wireBytes).sum();
            default -> 0;
        };
    }
}
