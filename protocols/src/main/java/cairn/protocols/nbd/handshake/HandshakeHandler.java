package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.NbdContext;
import cairn.protocols.nbd.transmission.ExportSession;
import cairn.protocols.nbd.transmission.TransmissionPipeline;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Netty side of the handshake: sends the greeting, runs each decoded message through {@link Negotiation} on a
 * virtual thread, then on the event loop writes the replies and carries out the outcome (continue, close,
 * start TLS, or switch the pipeline to the transmission phase).
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "nbd-handshake";
    public static final String DECODER = "nbd-handshake-decoder";
    public static final String ENCODER = "nbd-handshake-encoder";
    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

    private final NbdContext context;
    private final Negotiation negotiation;
    private ScheduledFuture<?> deadline;

    public HandshakeHandler(NbdContext context) {
        this.context = context;
        this.negotiation = new Negotiation(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            log.debug("NBD handshake timed out from {}", ctx.channel().remoteAddress());
            ctx.close();
        }, context.options().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new HandshakeReply.Greeting(Negotiation.handshakeFlags()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) deadline.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HandshakeMessage message)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        switch (message) {
            case HandshakeMessage.ClientFlags f -> apply(ctx, negotiation.clientFlags(f.flags()));
            case HandshakeMessage.OversizedOption o -> apply(ctx, negotiation.oversized(o.option()));
            case HandshakeMessage.OptionRequest o -> offload(ctx, () -> negotiation.option(o.option(), o.data()));
        }
    }

    /** Runs a step that may touch the filesystem on a virtual thread, then applies it on the event loop. */
    private void offload(ChannelHandlerContext ctx, Supplier<Outcome> step) {
        try {
            context.blocking().execute(() -> {
                Outcome outcome;
                try {
                    outcome = step.get();
                } catch (RuntimeException e) {
                    log.warn("NBD handshake step failed", e);
                    outcome = Outcome.close();
                }
                Outcome result = outcome;
                try {
                    ctx.executor().execute(() -> apply(ctx, result));
                } catch (RejectedExecutionException e) {
                    discard(result);
                }
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // server stopping
        }
    }

    private void apply(ChannelHandlerContext ctx, Outcome outcome) {
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            discard(outcome);
            return;
        }
        for (HandshakeReply reply : outcome.replies()) ctx.write(reply);
        ctx.flush();
        switch (outcome.action()) {
            case CONTINUE -> decoder(ctx).resume();
            case CLOSE -> ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE);
            case START_TLS -> startTls(ctx);
            case TRANSMIT -> transmit(ctx, outcome.session());
        }
    }

    private void startTls(ChannelHandlerContext ctx) {
        if (decoder(ctx).bufferedBytes() > 0) {
            // Bytes sent before the TLS handshake would be read as if they came over TLS: refuse them.
            log.debug("NBD client sent data right after STARTTLS; closing");
            ctx.close();
            return;
        }
        SslHandler ssl = context.options().tls().newHandler(ctx.alloc());
        ctx.pipeline().addFirst("tls", ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) return;
            // Info, not debug: the operator's only clue when a client's CA or certificate is wrong (mutual TLS).
            log.info("NBD TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), f.cause().toString());
            ctx.close();
        });
        negotiation.tlsStarted();
        decoder(ctx).resume();
    }

    private void transmit(ChannelHandlerContext ctx, ExportSession session) {
        deadline.cancel(false);
        HandshakeDecoder decoder = decoder(ctx);
        TransmissionPipeline.install(ctx.pipeline(), DECODER, context, session);
        ctx.pipeline().remove(ENCODER);
        ctx.pipeline().remove(this);
        // Removing the decoder last hands any bytes it buffered to the transmission decoder.
        ctx.pipeline().remove(decoder);
        ctx.channel().config().setAutoRead(true);
    }

    private static HandshakeDecoder decoder(ChannelHandlerContext ctx) {
        return (HandshakeDecoder) ctx.pipeline().get(DECODER);
    }

    private static void discard(Outcome outcome) {
        if (outcome.session() != null) outcome.session().export().close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("NBD handshake error from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
