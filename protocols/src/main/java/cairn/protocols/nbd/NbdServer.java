package cairn.protocols.nbd;

import cairn.engine.fs.FileSystem;
import cairn.protocols.nbd.handshake.HandshakeDecoder;
import cairn.protocols.nbd.handshake.HandshakeEncoder;
import cairn.protocols.nbd.handshake.HandshakeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The NBD server: fixed newstyle handshake, then pipelined transmission over TCP or a Unix domain socket.
 * Exports are the regular files in {@code /.nbd/}. Each connection's pipeline is
 * {@code [tls] -> HandshakeDecoder -> HandshakeEncoder -> HandshakeHandler}, replaced after GO/EXPORT_NAME by
 * {@code [tls] -> RequestDecoder -> ReplyEncoder -> TransmissionHandler}. Filesystem calls run on virtual
 * threads; the event loops never block.
 */
public final class NbdServer implements AutoCloseable {
    private static final long STOP_DRAIN_MS = 5_000;
    private final NbdContext context;
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();

    public NbdServer(FileSystem fs, NbdOptions options) {
        ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nbd-", 0).factory());
        this.context = new NbdContext(fs, options, new NbdExports(), blocking);
    }

    /** Which exports have open connections (ask before deleting or shrinking a device). */
    public NbdExports exports() {
        return context.exports();
    }

    /**
     * Listens on every address: {@link InetSocketAddress} for TCP (port 0 picks a free one),
     * {@link UnixDomainSocketAddress} for a Unix socket (a stale socket file is replaced). Returns the bound
     * addresses in order.
     */
    public synchronized List<SocketAddress> start(SocketAddress... addresses) throws InterruptedException {
        List<SocketAddress> bound = new ArrayList<>();
        for (SocketAddress address : addresses) {
            ServerBootstrap bootstrap = new ServerBootstrap().group(loops).childHandler(initializer());
            if (address instanceof UnixDomainSocketAddress unix) {
                deleteStaleSocket(unix.getPath());
                bootstrap.channel(NioServerDomainSocketChannel.class);
                socketFiles.add(unix.getPath());
            } else {
                bootstrap.channel(NioServerSocketChannel.class).option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true);
            }
            Channel listener = bootstrap.bind(address).sync().channel();
            listeners.add(listener);
            bound.add(listener.localAddress());
        }
        return bound;
    }

    private ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ch.pipeline().addLast(HandshakeHandler.DECODER, new HandshakeDecoder())
                        .addLast(HandshakeHandler.ENCODER, new HandshakeEncoder())
                        .addLast(HandshakeHandler.NAME, new HandshakeHandler(context));
            }
        };
    }

    /**
     * Stops listening and closes every connection. Requests already running finish first (bounded wait) so
     * their connections release their exports on the still-running event loops; then the loops stop.
     */
    public synchronized void stop() {
        for (Channel listener : listeners) listener.close().syncUninterruptibly();
        listeners.clear();
        channels.close().syncUninterruptibly();
        context.blocking().shutdown();
        try {
            context.blocking().awaitTermination(STOP_DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (java.io.IOException ignored) {
                // best effort: a stale socket file is replaced at the next start
            }
        }
        socketFiles.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private static void deleteStaleSocket(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot replace socket file " + path, e);
        }
    }
}
