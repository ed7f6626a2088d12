package cairn.protocols.nfs;

import cairn.engine.fs.FileSystem;
import cairn.protocols.rpc.RecordMarkingDecoder;
import cairn.protocols.rpc.RecordMarkingEncoder;
import cairn.protocols.rpc.ReplyCache;
import cairn.protocols.rpc.RpcCallDecoder;
import cairn.protocols.rpc.RpcDispatcher;
import cairn.protocols.rpc.RpcProgram;
import cairn.protocols.rpc.RpcProgramRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * NFSv3, MOUNT v3 and portmapper v2 over TCP, all on every address given to {@link #start} (so clients can
 * use {@code mountport=} the NFS port). Optionally a portmapper-only listener (port 111) via
 * {@link #startPortmapper}. Pipeline per connection: record marking, RPC call decoding, dispatch to programs
 * on virtual threads.
 */
public final class NfsServer implements AutoCloseable {
    /** Replies to non-idempotent calls remembered for retransmissions, per server. */
    public static final int REPLY_CACHE_ENTRIES = 4096;
    /** Request and reply bytes in flight per connection before it stops reading. */
    public static final long CONNECTION_BYTES_MAX = 32L << 20;
    public static final int CONNECTION_CALLS_MAX = 128;

    private final RpcProgramRegistry allPrograms;
    private final RpcProgramRegistry portmapOnly;
    private final ReplyCache replyCache = new ReplyCache(REPLY_CACHE_ENTRIES);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            Math.max(2, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile int nfsPort;

    public NfsServer(FileSystem fs, NfsExportOptions options) {
        long fsid = fs.volumeId().getMostSignificantBits() ^ fs.volumeId().getLeastSignificantBits();
        var nfs = new NfsProgram(new NfsHandler(fs, options), options, fsid);
        var mount = new MountProgram(new MountTable(fs, options), options);
        var portmap = new PortmapProgram(List.of(
                new PortmapProgram.Registration(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.VERSION),
                new PortmapProgram.Registration(Mount3.PROGRAM, Mount3.VERSION, Mount3.VERSION)), () -> nfsPort);
        this.allPrograms = new RpcProgramRegistry(List.<RpcProgram>of(nfs, mount, portmap));
        this.portmapOnly = new RpcProgramRegistry(List.<RpcProgram>of(portmap));
    }

    /** Listens on each address (port 0 picks a free one); returns the bound addresses. */
    public List<InetSocketAddress> start(InetSocketAddress... addresses) {
        var bound = new ArrayList<InetSocketAddress>();
        for (var a : addresses) {
            var local = bind(a, allPrograms);
            if (bound.isEmpty()) nfsPort = local.getPort();
            bound.add(local);
        }
        return bound;
    }

    /** A portmapper-only listener (usually port 111) that points clients at the NFS port. */
    public InetSocketAddress startPortmapper(InetSocketAddress address) {
        return bind(address, portmapOnly);
    }

    /** The NFS port (the first address {@link #start} bound). */
    public int port() {
        return nfsPort;
    }

    private InetSocketAddress bind(InetSocketAddress address, RpcProgramRegistry programs) {
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        channels.add(c);
                        c.pipeline()
                                .addLast("frames", new RecordMarkingDecoder(Nfs3.RECORD_BYTES_MAX))
                                .addLast("framing", RecordMarkingEncoder.INSTANCE)
                                .addLast("rpc", RpcCallDecoder.INSTANCE)
                                .addLast("dispatch", new RpcDispatcher(programs, replyCache, executor,
                                        CONNECTION_BYTES_MAX, CONNECTION_CALLS_MAX));
                    }
                })
                .bind(address).syncUninterruptibly().channel();
        channels.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /** Closes listeners and connections; calls still running finish against the filesystem. */
    public void stop() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        executor.shutdown();
    }

    @Override
    public void close() {
        stop();
    }
}
