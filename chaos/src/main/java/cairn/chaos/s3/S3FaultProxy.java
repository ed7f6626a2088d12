package cairn.chaos.s3;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of an S3 endpoint (path-style) that injects the faults of a {@link FaultPlan}:
 * latency, 500/503 answers, connection resets, timeouts, "applied but response lost", and pauses. Requests
 * are forwarded with their Host header unchanged, so SigV4 signatures made for the proxy's address stay valid.
 *
 * <p>Bounded: at most {@link Limits#requestsMax()} requests are served at once (each holds its body, up to
 * {@link #BODY_BYTES_MAX}, and a virtual thread); a request beyond that is answered 503 SlowDown at once, as
 * S3 does when overloaded (clients retry it). At most {@link Limits#connectionsMax()} client connections are
 * open; a connection beyond that is closed on accept.
 */
public final class S3FaultProxy implements AutoCloseable {

    static {
        // Forward the client's Host header verbatim (signatures cover it).
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    static final int BODY_BYTES_MAX = 64 << 20;
    /** A hung upstream must not hold a request slot forever. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(120);

    /** How much the proxy takes on at once. */
    public record Limits(int requestsMax, int connectionsMax) {
        public static final Limits DEFAULT = new Limits(64, 256);

        public Limits {
            if (requestsMax < 1 || connectionsMax < 1) throw new IllegalArgumentException("limits must be >= 1");
        }
    }

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final URI upstream;
    private final FaultPlan plan;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Limits limits;
    private final Semaphore requests;
    private final AtomicInteger connections = new AtomicInteger();
    private Channel server;

    public S3FaultProxy(URI upstream, FaultPlan plan) {
        this(upstream, plan, Limits.DEFAULT);
    }

    public S3FaultProxy(URI upstream, FaultPlan plan, Limits limits) {
        this.upstream = upstream;
        this.plan = plan;
        this.limits = limits;
        this.requests = new Semaphore(limits.requestsMax());
    }

    public InetSocketAddress start(InetSocketAddress listen) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > limits.connectionsMax()) {
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new HttpObjectAggregator(BODY_BYTES_MAX), new Handler());
                    }
                }).bind(listen).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    public long forwardedCount() {
        return forwarded.get();
    }

    public long injectedCount() {
        return injected.get();
    }

    /** Requests being served now (at most {@link Limits#requestsMax()}). */
    public int inFlightCount() {
        return limits.requestsMax() - requests.availablePermits();
    }

    /** Requests answered 503 because {@link Limits#requestsMax()} were already in flight. */
    public long refusedCount() {
        return refused.get();
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!requests.tryAcquire()) {
                refused.incrementAndGet();
                reply(ctx, errorResponse(503), keepAlive);
                return;
            }
            byte[] body = new byte[req.content().readableBytes()];
            req.content().readBytes(body);
            Map<String, String> headers = new HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            String method = req.method().name();
            URI uri;
            try {
                uri = URI.create(req.uri());
            } catch (IllegalArgumentException e) {
                requests.release();
                reply(ctx, errorResponse(400), false);
                return;
            }
            // Never block the event loop: faults and the upstream call run on a virtual thread.
            Thread.startVirtualThread(() -> {
                try {
                    serve(ctx, method, uri, headers, body, keepAlive);
                } finally {
                    requests.release();
                }
            });
        }

        private void serve(ChannelHandlerContext ctx, String method, URI uri, Map<String, String> headers,
                           byte[] body, boolean keepAlive) {
            S3Op op = S3Op.classify(method, uri, headers);
            try {
                plan.awaitResumed();
                Optional<FaultRule> fault = plan.pick(op, S3Op.objectKey(uri));
                if (fault.isPresent()) injected.incrementAndGet();
                FaultRule.Kind kind = fault.map(FaultRule::kind).orElse(null);
                if (kind == FaultRule.Kind.LATENCY) Thread.sleep(fault.get().millis());
                if (kind == FaultRule.Kind.RESET) {
                    ctx.close();
                    return;
                }
                if (kind == FaultRule.Kind.TIMEOUT) {
                    Thread.sleep(fault.get().millis());
                    ctx.close();
                    return;
                }
                if (kind == FaultRule.Kind.ERROR) {
                    reply(ctx, errorResponse(fault.get().status()), keepAlive);
                    return;
                }
                FullHttpResponse response = forward(method, uri, headers, body);
                forwarded.incrementAndGet();
                if (kind == FaultRule.Kind.LOST_RESPONSE) {
                    ctx.close();
                    return;
                }
                reply(ctx, response, keepAlive);
            } catch (InterruptedException e) {
                ctx.close();
            } catch (Exception e) {
                reply(ctx, errorResponse(502), false);
            }
        }

        private FullHttpResponse forward(String method, URI uri, Map<String, String> headers, byte[] body)
                throws Exception {
            var builder = HttpRequest.newBuilder(upstream.resolve(uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))).timeout(UPSTREAM_TIMEOUT);
            headers.forEach((k, v) -> {
                if (!HOP_HEADERS.contains(k)) builder.header(k, v);
            });
            builder.method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> up = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(up.statusCode()), Unpooled.wrappedBuffer(up.body()));
            up.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) response.headers().add(k, vs);
            });
            long length = method.equals("HEAD")
                    ? up.headers().firstValueAsLong("content-length").orElse(0) : up.body().length;
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
            return response;
        }

        private FullHttpResponse errorResponse(int status) {
            String code = switch (status) {
                case 503 -> "SlowDown";
                case 500 -> "InternalError";
                case 400 -> "InvalidURI";
                default -> "BadGateway";
            };
            byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                    + "</Code><Message>injected by cairn-chaos</Message></Error>").getBytes(StandardCharsets.UTF_8);
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    Unpooled.wrappedBuffer(xml));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml").set(HttpHeaderNames.CONTENT_LENGTH, xml.length);
            return r;
        }

        private void reply(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setKeepAlive(response, keepAlive);
            var f = ctx.writeAndFlush(response);
            if (!keepAlive) f.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }
}
