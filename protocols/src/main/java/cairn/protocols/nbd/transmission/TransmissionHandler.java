package cairn.protocols.nbd.transmission;

import cairn.protocols.nbd.NbdContext;
import cairn.protocols.nbd.NbdProtocol;
import io.netty.channel.ChannelFuture;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves requests: each runs on a virtual thread ({@link CommandExecutor}), its replies are written as soon as it
 * completes, so replies leave out of order. Backpressure: while the requests in flight (not yet answered on the
 * wire) exceed the byte or count budget, the decoder is paused and the socket is not read. On DISC it answers
 * what is outstanding, then closes. The export stays open until the connection is closed and every request has
 * finished. All fields are touched on the event loop only.
 */
public final class TransmissionHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "nbd-transmission";
    private static final Logger log = LoggerFactory.getLogger(TransmissionHandler.class);

    private final NbdContext context;
    private final ExportSession session;
    private final CommandExecutor executor;
    private long bytesInFlight;
    private int requestsInFlight;
    private boolean disconnecting;
    private boolean inactive;

    public TransmissionHandler(NbdContext context, ExportSession session) {
        this.context = context;
        this.session = session;
        this.executor = new CommandExecutor(context.fs(), session);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof NbdRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (disconnecting) return; // the client must send nothing after DISC
        if (request.type() == NbdProtocol.CMD_DISC) {
            disconnecting = true;
            decoder(ctx).pause();
            closeWhenIdle(ctx);
            return;
        }
        long cost = request.costBytes();
        bytesInFlight += cost;
        requestsInFlight++;
        if (overBudget()) decoder(ctx).pause();
        try {
            context.blocking().execute(() -> {
                List<NbdReply> replies = executor.execute(request);
                try {
                    ctx.executor().execute(() -> complete(ctx, replies, cost));
                } catch (RejectedExecutionException e) {
                    log.debug("NBD event loop gone; dropping reply");
                }
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // server stopping
        }
    }

    private void complete(ChannelHandlerContext ctx, List<NbdReply> replies, long cost) {
        if (ctx.channel().isActive()) {
            ChannelFuture last = null;
            for (NbdReply reply : replies) last = ctx.write(reply);
            ctx.flush();
            last.addListener(f -> released(ctx, cost));
        } else {
            released(ctx, cost);
        }
    }

    /** A request's reply is on the wire (or will never be): give its budget back. */
    private void released(ChannelHandlerContext ctx, long cost) {
        bytesInFlight -= cost;
        requestsInFlight--;
        if (requestsInFlight == 0 && inactive) {
            session.export().close();
            return;
        }
        if (disconnecting) {
            closeWhenIdle(ctx);
        } else if (!overBudget() && decoder(ctx).paused() && ctx.channel().isActive()) {
            decoder(ctx).resume();
        }
    }

    private boolean overBudget() {
        return bytesInFlight >= context.options().inFlightBytesMax()
                || requestsInFlight >= context.options().requestsInFlightMax();
    }

    private void closeWhenIdle(ChannelHandlerContext ctx) {
        if (requestsInFlight == 0) ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static RequestDecoder decoder(ChannelHandlerContext ctx) {
        return (RequestDecoder) ctx.pipeline().get(RequestDecoder.NAME);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        if (requestsInFlight == 0) session.export().close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("NBD connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
