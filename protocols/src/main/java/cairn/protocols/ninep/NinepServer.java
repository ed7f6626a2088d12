package cairn.protocols.ninep;

import cairn.engine.fs.FileSystem;
import cairn.protocols.ninep.wire.FrameDecoder;
import cairn.protocols.ninep.wire.MessageDecoder;
import cairn.protocols.ninep.wire.MessageEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The 9P2000.L server: TCP listeners and an optional Unix domain socket, all serving one {@link FileSystem}.
 * Pipeline per connection: {@link FrameDecoder} (size bounds) -> {@link MessageDecoder} (records) ->
 * {@link NinepConnection} (scheduling, flush, backpressure) -> {@link Dispatcher} (filesystem calls on
 * virtual threads); replies go out through {@link MessageEncoder}.
 */
public final class NinepServer implements AutoCloseable {
    private final NinepOptions options;
    private final Dispatcher dispatcher;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("9p-", 0).factory());
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup io = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<InetSocketAddress> boundTcp = new ArrayList<>();
    private Path unixSocket;

    public NinepServer(FileSystem fs, NinepOptions options) {
        this.options = options;
        this.dispatcher = new Dispatcher(fs, options);
    }

    /** Binds every TCP address (port 0 picks a free port, see {@link #tcpAddresses()}) and the socket path. */
    public synchronized void start(List<InetSocketAddress> tcpAddresses, Path unixSocketPath) {
        try {
            for (InetSocketAddress a : tcpAddresses) {
                Channel c = bind(NioServerSocketChannel.class, a);
                boundTcp.add((InetSocketAddress) c.localAddress());
            }
            if (unixSocketPath != null) {
                if (Files.isRegularFile(unixSocketPath) || Files.isDirectory(unixSocketPath)) {
                    throw new IllegalArgumentException(unixSocketPath + " exists and is not a socket");
                }
                Files.deleteIfExists(unixSocketPath);
                bind(NioServerDomainSocketChannel.class, UnixDomainSocketAddress.of(unixSocketPath));
                unixSocket = unixSocketPath;
            }
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    public void start(InetSocketAddress... tcpAddresses) {
        start(List.of(tcpAddresses), null);
    }

    private Channel bind(Class<? extends ServerChannel> type, SocketAddress address) {
        var bootstrap = new ServerBootstrap().group(boss, io).channel(type)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        var frames = new FrameDecoder(options.msizeMax());
                        ch.pipeline().addLast("frames", frames)
                                .addLast("decoder", MessageDecoder.requests())
                                .addLast("encoder", MessageEncoder.REPLIES)
                                .addLast("connection", new NinepConnection(dispatcher, workers, options, frames));
                    }
                });
        if (type == NioServerSocketChannel.class) bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
        Channel c = bootstrap.bind(address).syncUninterruptibly().channel();
        channels.add(c);
        return c;
    }

    public synchronized List<InetSocketAddress> tcpAddresses() {
        return List.copyOf(boundTcp);
    }

    /** Closes listeners and connections; every connection's fids and locks are released. */
    public synchronized void stop() {
        channels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException ignored) {
                // best effort: a stale socket file is replaced at the next start
            }
            unixSocket = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
