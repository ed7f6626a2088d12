package cairn.election.peer;

import com.alipay.remoting.ExtendedNettyChannelHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of {@link PeerTls}: Bolt puts an {@link ExtendedNettyChannelHandler}'s front handlers ahead of its
 * codec on every connection, one shared instance for all of them. On accepted connections the front handler is
 * a sharable initializer that gives each its own {@link SslHandler} and a {@link Guard} behind it; on connections
 * this node opens it is a {@link Dialer} that does the same once it sees the address dialed, so the handshake
 * knows which member must answer.
 *
 * <p>The {@link Guard} stays for the connection's life: it passes nothing on before the handshake succeeded and
 * the peer's certificate passed {@link PeerTrust} (again: a check that also covers a resumed session), and it
 * closes an established connection whose peer an updated CRL revokes (it looks at most once a second).
 *
 * <p>On an accepted connection the {@link Guard} also records which member the certificate names
 * ({@link ConnectionMember}), so that jraft's request processors can refuse a request claiming another sender
 * ({@link SenderCheckedProcessor}).
 *
 * <p>Bounds: a handshake must finish within {@link PeerTls#HANDSHAKE_TIMEOUT_MS}, and at most
 * {@link PeerTls#PENDING_HANDSHAKES_MAX} accepted connections may be handshaking at once; beyond that a new one is
 * closed at once. Refusals are counted and logged ({@link Refusals}).
 */
final class PeerTlsChannels {

    private static final Logger log = LoggerFactory.getLogger(PeerTlsChannels.class);

    private final Function<Boolean, SSLEngine> engines;
    private final PeerTrust trust;
    private final PeerMembers members;
    private final Refusals refusals;
    private final AtomicInteger pending = new AtomicInteger();

    /** {@code engines}: a new TLS engine, client mode if true. */
    PeerTlsChannels(Function<Boolean, SSLEngine> engines, PeerTrust trust, PeerMembers members, Refusals refusals) {
        this.engines = engines;
        this.trust = trust;
        this.members = members;
        this.refusals = refusals;
    }

    ExtendedNettyChannelHandler serverHandlers() {
        return front(new Acceptor());
    }

    ExtendedNettyChannelHandler clientHandlers() {
        return front(new Dialer());
    }

    private static ExtendedNettyChannelHandler front(ChannelHandler front) {
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
        refuse(channel, server, channel.remoteAddress(), why);
    }

    /** {@code peer}: the address to name (a connection being opened has none yet). */
    private void refuse(Channel channel, boolean server, SocketAddress peer, String why) {
        refusals.record(server
                ? "raft peer channel: refused connection from " + peer + ": " + why
                : "raft peer channel: could not authenticate peer " + peer + ": " + why);
        channel.close();
    }

    private static SslHandler tls(SSLEngine engine) {
        var ssl = new SslHandler(engine);
        ssl.setHandshakeTimeoutMillis(PeerTls.HANDSHAKE_TIMEOUT_MS);
        return ssl;
    }

    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel channel) {
            if (pending.incrementAndGet() > PeerTls.PENDING_HANDSHAKES_MAX) {
                pending.decrementAndGet();
                refuse(channel, true, "more than " + PeerTls.PENDING_HANDSHAKES_MAX + " TLS handshakes pending");
                return;
            }
            // Bolt adds its codec after this initializer: TLS and the guard end up right in front of it
            channel.pipeline().addLast("peerTls", tls(engines.apply(false)));
            channel.pipeline().addLast("peerTlsGuard", new Guard(true, null));
        }
    }

    /** On a connection this node opens: learns the member dialed from the connect, then puts TLS in place. */
    @ChannelHandler.Sharable
    private final class Dialer extends ChannelOutboundHandlerAdapter {
        @Override
        public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            Optional<String> member = remote instanceof InetSocketAddress inet ? members.idAt(inet) : Optional.empty();
            if (member.isEmpty()) {
                String why = "no member has this raft address (members " + members.ids() + ")";
                refuse(ctx.channel(), false, remote, why);
                promise.tryFailure(new ConnectException("raft peer channel: " + remote + ": " + why));
                return;
            }
            SSLEngine engine = engines.apply(true);
            trust.expect(engine, member.get());
            // Bolt's codec is behind this handler already: TLS and the guard go between the two
            ctx.pipeline().addAfter(ctx.name(), "peerTls", tls(engine));
            ctx.pipeline().addAfter("peerTls", "peerTlsGuard", new Guard(false, member.get()));
            ctx.connect(remote, local, promise);
            ctx.pipeline().remove(this);
        }
    }

    /**
     * Sees the handshake end: on success it checks the peer once more and lets data through; on failure it logs
     * the refusal and closes the connection. Until then it keeps the handshake's exceptions from Bolt's handlers,
     * which would log each one as a connection error. Afterwards it closes the connection if a changed CRL
     * revokes the peer.
     */
    private final class Guard extends ChannelInboundHandlerAdapter {
        private final boolean server;
        private final String expected;
        private boolean done;
        private X509Certificate[] peer;
        private long crlGeneration;

        /** {@code expected}: the member dialed, or null on an accepted connection. */
        Guard(boolean server, String expected) {
            this.server = server;
            this.expected = expected;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                finish();
                if (completion.isSuccess()) admit(ctx);
                else refuse(ctx.channel(), server, reason(completion.cause()));
            }
            super.userEventTriggered(ctx, event);
        }

        private void admit(ChannelHandlerContext ctx) {
            X509Certificate[] chain;
            try {
                chain = peerChain(ctx);
            } catch (SSLPeerUnverifiedException e) {
                refuse(ctx.channel(), server, "no peer certificate");
                return;
            }
            PeerCrl.Revocations revocations = trust.crl().current(0);
            crlGeneration = revocations.generation();
            Optional<String> problem = trust.problem(chain, expected, revocations);
            if (problem.isPresent()) {
                refuse(ctx.channel(), server, problem.get());
                return;
            }
            if (server && !ConnectionMember.record(ctx.channel(), trust.memberOf(chain[0]))) {
                refuse(ctx.channel(), server, "no Bolt connection to record the member on");
                return;
            }
            peer = chain;
            if (log.isDebugEnabled()) log.debug("raft peer channel: {} authenticated as {}", ctx.channel().remoteAddress(), chain[0].getSubjectX500Principal());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (peer == null || revokedSinceAdmitted(ctx)) {
                ReferenceCountUtil.release(msg); // not (or no longer) a peer: nothing reaches jraft
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private boolean revokedSinceAdmitted(ChannelHandlerContext ctx) {
            PeerCrl.Revocations now = trust.crl().current(PeerCrl.RECHECK_NANOS);
            if (now.generation() == crlGeneration) return false;
            crlGeneration = now.generation();
            Optional<String> why = now.revoked(peer);
            if (why.isEmpty()) return false;
            peer = null;
            refuse(ctx.channel(), server, why.get() + " (an updated CRL; the connection was open)");
            return true;
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

        private static X509Certificate[] peerChain(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
            Certificate[] certs = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            var chain = new X509Certificate[certs.length];
            for (int i = 0; i < certs.length; i++) {
                if (!(certs[i] instanceof X509Certificate x509)) throw new SSLPeerUnverifiedException("not an X.509 certificate");
                chain[i] = x509;
            }
            return chain;
        }
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
