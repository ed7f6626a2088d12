package cairn.election.peer;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of {@link PeerTls}: Bolt puts an {@link ExtendedNettyChannelHandler}'s front handlers ahead of its
 * codec on every connection, one shared instance for all of them. The front handler here is a sharable
 * initializer that gives each new connection its own {@link SslHandler} and a {@link Watch} behind it.
 *
 * <p>Bounds: a handshake must finish within {@link PeerTls#HANDSHAKE_TIMEOUT_MS}, and at most
 * {@link PeerTls#PENDING_HANDSHAKES_MAX} accepted connections may be handshaking at once; beyond that a new one is
 * closed at once. Refusals are counted and logged, at most one warning a second (the rest at debug).
 */
final class PeerTlsChannels {

    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(PeerTlsChannels.class);

    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    long refused() {
        return refused.get();
    }

    ExtendedNettyChannelHandler handlers(SslContext context, boolean server) {
        ChannelHandler front = new Initializer(context, server);
        return new ExtendedNettyChannelHandler() {
            @Override
            public List<ChannelHandler> frontChannelHandlers() {
                return List.of(front);
            }

            @Override
            public List<ChannelHandler> backChannelHandlers() {
                return List.of();
            }
        };
    }

    private void refuse(Channel channel, boolean server, String why) {
        refused.incrementAndGet();
        String message = server
                ? "raft peer channel: refused connection from " + channel.remoteAddress() + ": " + why
                : "raft peer channel: could not authenticate peer " + channel.remoteAddress() + ": " + why;
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, now)) log.warn(message);
        else log.debug(message);
        channel.close();
    }

    @ChannelHandler.Sharable
    private final class Initializer extends ChannelInitializer<Channel> {
        private final SslContext context;
        private final boolean server;

        Initializer(SslContext context, boolean server) {
            this.context = context;
            this.server = server;
        }

        @Override
        protected void initChannel(Channel channel) {
            if (server && pending.incrementAndGet() > PeerTls.PENDING_HANDSHAKES_MAX) {
                pending.decrementAndGet();
                refuse(channel, true, "more than " + PeerTls.PENDING_HANDSHAKES_MAX + " TLS handshakes pending");
                return;
            }
            SslHandler ssl = context.newHandler(channel.alloc());
            ssl.setHandshakeTimeoutMillis(PeerTls.HANDSHAKE_TIMEOUT_MS);
            channel.pipeline().addLast("peerTls", ssl);
            channel.pipeline().addLast("peerTlsWatch", new Watch(server));
        }
    }

    /**
     * Sees the handshake end: on success it steps out of the pipeline; on failure it logs the refusal and
     * closes the connection. Until then it keeps the handshake's exceptions from Bolt's handlers, which would
     * log each one as a connection error.
     */
    private final class Watch extends ChannelInboundHandlerAdapter {
        private final boolean server;
        private boolean done;

        Watch(boolean server) {
            this.server = server;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                finish();
                if (completion.isSuccess()) {
                    if (log.isDebugEnabled()) log.debug("raft peer channel: {} authenticated as {}", ctx.channel().remoteAddress(), peer(ctx));
                    ctx.pipeline().remove(this);
                } else {
                    refuse(ctx.channel(), server, reason(completion.cause()));
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) return; // the handshake's failure event reports it and closes the channel
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            finish();
            super.channelInactive(ctx);
        }

        private void finish() {
            if (done) return;
            done = true;
            if (server) pending.decrementAndGet();
        }

        private String peer(ChannelHandlerContext ctx) {
            try {
                return ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                return "?";
            }
        }
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
