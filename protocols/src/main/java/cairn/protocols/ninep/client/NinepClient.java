package cairn.protocols.ninep.client;

import static cairn.protocols.ninep.wire.Protocol.*;

import cairn.protocols.ninep.wire.Dirent;
import cairn.protocols.ninep.wire.FrameDecoder;
import cairn.protocols.ninep.wire.MessageDecoder;
import cairn.protocols.ninep.wire.MessageEncoder;
import cairn.protocols.ninep.wire.Qid;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage;
import cairn.protocols.ninep.wire.Tmessage.*;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A 9P2000.L client over TCP or a Unix domain socket, for tests, benchmarks and the Jepsen suite. Thread-safe:
 * any number of requests may be outstanding (one tag each). The blocking methods throw
 * {@link NinepException} on Rlerror; {@link #send} is the asynchronous form that returns the raw reply.
 * Fids are the caller's: pick numbers with {@link #newFid()}.
 */
public final class NinepClient implements AutoCloseable {
    /** {@link #newFid()} hands out numbers from here up, so hand-picked small fids never collide with them. */
    public static final int FIRST_AUTO_FID = 1 << 16;

    /** A request on the wire: its tag (for Tflush) and its reply. */
    public record Pending(int tag, CompletableFuture<Rmessage> reply) {}

    private final EventLoopGroup group;
    private final Channel channel;
    private final ConcurrentHashMap<Integer, CompletableFuture<Rmessage>> outstanding = new ConcurrentHashMap<>();
    private final AtomicInteger nextTag = new AtomicInteger();
    private final AtomicInteger nextFid = new AtomicInteger(FIRST_AUTO_FID);
    private final FrameDecoder frames;
    private final Duration timeout;
    private volatile int msize;

    private NinepClient(EventLoopGroup group, Channel channel, FrameDecoder frames, Duration timeout) {
        this.group = group;
        this.channel = channel;
        this.frames = frames;
        this.timeout = timeout;
    }

    /** Connects (an {@code InetSocketAddress} or a {@code UnixDomainSocketAddress}) and negotiates 9P2000.L. */
    public static NinepClient connect(SocketAddress address, int msize) throws IOException {
        return connect(address, msize, Duration.ofSeconds(30));
    }

    public static NinepClient connect(SocketAddress address, int msize, Duration timeout) throws IOException {
        var client = open(address, msize, timeout);
        try {
            Rversion v = client.version(msize, VERSION);
            if (!v.version().equals(VERSION)) throw new IOException("server does not speak " + VERSION);
        } catch (RuntimeException | IOException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Connects without Tversion (for tests of the version exchange itself). */
    public static NinepClient open(SocketAddress address, int msize, Duration timeout) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        var frames = new FrameDecoder(msize);
        var holder = new NinepClient[1];
        var handler = new SimpleChannelInboundHandler<Rmessage>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Rmessage m) {
                holder[0].received(m);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (holder[0] != null) holder[0].failAll(new ClosedChannelException());
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (holder[0] != null) holder[0].failAll(cause);
                ctx.close();
            }
        };
        var bootstrap = new Bootstrap().group(group)
                .channel(address instanceof UnixDomainSocketAddress ? NioDomainSocketChannel.class : NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(frames, MessageDecoder.replies(), MessageEncoder.REQUESTS, handler);
                    }
                });
        if (!(address instanceof UnixDomainSocketAddress)) bootstrap.option(ChannelOption.TCP_NODELAY, true);
        var connect = bootstrap.connect(address).awaitUninterruptibly();
        if (!connect.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot connect to " + address, connect.cause());
        }
        var client = new NinepClient(group, connect.channel(), frames, timeout);
        client.msize = msize;
        holder[0] = client;
        return client;
    }

    public int msize() {
        return msize;
    }

    public int newFid() {
        return nextFid.getAndIncrement();
    }

    // ---- raw requests --------------------------------------------------------------------------------

    /** Sends the request {@code build} makes for a free tag. */
    public Pending send(IntFunction<Tmessage> build) {
        var future = new CompletableFuture<Rmessage>();
        int tag;
        for (int tries = 0; ; tries++) {
            if (tries > NOTAG) throw new IllegalStateException("all 65535 tags are in use");
            tag = nextTag.getAndIncrement() & 0xFFFF;
            if (tag != NOTAG && outstanding.putIfAbsent(tag, future) == null) break;
        }
        Tmessage m = build.apply(tag);
        sendRaw(m, future);
        return new Pending(tag, future);
    }

    private void sendRaw(Tmessage m, CompletableFuture<Rmessage> future) {
        channel.writeAndFlush(m).addListener(f -> {
            if (!f.isSuccess()) {
                outstanding.remove(m.tag(), future);
                future.completeExceptionally(f.cause());
            }
        });
    }

    /** Sends and waits; an Rlerror reply is returned, not thrown. */
    public Rmessage call(IntFunction<Tmessage> build) {
        return await(send(build).reply());
    }

    private Rmessage await(CompletableFuture<Rmessage> reply) {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("9P connection failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no 9P reply within " + timeout, e);
        }
    }

    /** Sends and waits; Rlerror throws {@link NinepException}, any other unexpected reply type too. */
    private <R extends Rmessage> R expect(Class<R> type, IntFunction<Tmessage> build) {
        var pending = send(build);
        Rmessage reply = await(pending.reply());
        if (reply instanceof Rlerror e) throw new NinepException(e.ecode(), type.getSimpleName().replaceFirst("R", "T"));
        if (!type.isInstance(reply)) throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + reply);
        return type.cast(reply);
    }

    private void received(Rmessage m) {
        var future = outstanding.remove(m.tag());
        if (future != null) future.complete(m);
    }

    private void failAll(Throwable cause) {
        for (var tag : List.copyOf(outstanding.keySet())) {
            var f = outstanding.remove(tag);
            if (f != null) f.completeExceptionally(cause);
        }
    }

    // ---- session -------------------------------------------------------------------------------------

    public Rversion version(int requestedMsize, String version) {
        var pending = new CompletableFuture<Rmessage>();
        if (outstanding.putIfAbsent(NOTAG, pending) != null) throw new IllegalStateException("Tversion in flight");
        sendRaw(new Tversion(NOTAG, requestedMsize, version), pending);
        Rmessage reply = await(pending);
        if (reply instanceof Rlerror e) throw new NinepException(e.ecode(), "Tversion");
        Rversion v = (Rversion) reply;
        if (v.version().equals(VERSION)) {
            msize = v.msize();
            frames.maxFrameBytes(v.msize());
        }
        return v;
    }

    public Qid attach(int fid, String uname, String aname, int nUname) {
        return expect(Rattach.class, t -> new Tattach(t, fid, NOFID, uname, aname, nUname)).qid();
    }

    public void flush(int oldtag) {
        expect(Rflush.class, t -> new Tflush(t, oldtag));
    }

    // ---- files ---------------------------------------------------------------------------------------

    public List<Qid> walk(int fid, int newfid, String... names) {
        return expect(Rwalk.class, t -> new Twalk(t, fid, newfid, List.of(names))).qids();
    }

    /** A new fid naming the same file as {@code fid} (a walk of no names). */
    public int walkClone(int fid) {
        int newfid = newFid();
        walk(fid, newfid);
        return newfid;
    }

    /** Walks the whole path or throws ENOENT-style: a partial walk is reported as {@link NinepException} ENOENT. */
    public Qid walkAll(int fid, int newfid, String... names) {
        List<Qid> qids = walk(fid, newfid, names);
        if (qids.size() != names.length) throw new NinepException(2, "Twalk");
        return qids.isEmpty() ? null : qids.get(qids.size() - 1);
    }

    public Rlopen lopen(int fid, int flags) {
        return expect(Rlopen.class, t -> new Tlopen(t, fid, flags));
    }

    public Rlcreate lcreate(int fid, String name, int flags, int mode, int gid) {
        return expect(Rlcreate.class, t -> new Tlcreate(t, fid, name, flags, mode, gid));
    }

    public byte[] read(int fid, long offset, int count) {
        return expect(Rread.class, t -> new Tread(t, fid, offset, count)).data();
    }

    /** Reads from {@code offset} to the end of the file, in msize chunks. */
    public byte[] readAll(int fid, long offset) {
        var out = new ByteArrayOutputStream();
        int chunk = msize - IOHDRSZ;
        for (long at = offset; ; ) {
            byte[] b = read(fid, at, chunk);
            if (b.length == 0) return out.toByteArray();
            out.writeBytes(b);
            at += b.length;
        }
    }

    public int write(int fid, long offset, byte[] data) {
        return expect(Rwrite.class, t -> new Twrite(t, fid, offset, data)).count();
    }

    /** Writes all of {@code data}, split to fit msize. */
    public void writeAll(int fid, long offset, byte[] data) {
        int chunk = msize - IOHDRSZ;
        for (int done = 0; done < data.length || data.length == 0; ) {
            byte[] part = Arrays.copyOfRange(data, done, Math.min(data.length, done + chunk));
            int n = write(fid, offset + done, part);
            if (data.length == 0) return;
            if (n <= 0) throw new IllegalStateException("short write");
            done += n;
        }
    }

    public void clunk(int fid) {
        expect(Rclunk.class, t -> new Tclunk(t, fid));
    }

    public void remove(int fid) {
        expect(Rremove.class, t -> new Tremove(t, fid));
    }

    public void fsync(int fid) {
        expect(Rfsync.class, t -> new Tfsync(t, fid, 0));
    }

    // ---- attributes ----------------------------------------------------------------------------------

    public Rstatfs statfs(int fid) {
        return expect(Rstatfs.class, t -> new Tstatfs(t, fid));
    }

    public Rgetattr getattr(int fid, long requestMask) {
        return expect(Rgetattr.class, t -> new Tgetattr(t, fid, requestMask));
    }

    public void setattr(int fid, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec,
                        long mtimeSec, long mtimeNsec) {
        expect(Rsetattr.class, t -> new Tsetattr(t, fid, valid, mode, uid, gid, size, atimeSec, atimeNsec,
                mtimeSec, mtimeNsec));
    }

    // ---- directories ---------------------------------------------------------------------------------

    public List<Dirent> readdir(int fid, long offset, int count) {
        return expect(Rreaddir.class, t -> new Treaddir(t, fid, offset, count)).entries();
    }

    /** Every entry of an opened directory fid, following offsets until an empty page. */
    public List<Dirent> readdirAll(int fid) {
        List<Dirent> all = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<Dirent> page = readdir(fid, offset, msize - IOHDRSZ);
            if (page.isEmpty()) return all;
            all.addAll(page);
            offset = page.get(page.size() - 1).offset();
        }
    }

    public Qid mkdir(int dfid, String name, int mode, int gid) {
        return expect(Rmkdir.class, t -> new Tmkdir(t, dfid, name, mode, gid)).qid();
    }

    public Qid symlink(int dfid, String name, String target, int gid) {
        return expect(Rsymlink.class, t -> new Tsymlink(t, dfid, name, target, gid)).qid();
    }

    public Qid mknod(int dfid, String name, int mode, int major, int minor, int gid) {
        return expect(Rmknod.class, t -> new Tmknod(t, dfid, name, mode, major, minor, gid)).qid();
    }

    public String readlink(int fid) {
        return expect(Rreadlink.class, t -> new Treadlink(t, fid)).target();
    }

    public void link(int dfid, int fid, String name) {
        expect(Rlink.class, t -> new Tlink(t, dfid, fid, name));
    }

    public void rename(int fid, int dfid, String name) {
        expect(Rrename.class, t -> new Trename(t, fid, dfid, name));
    }

    public void renameat(int oldDirFid, String oldName, int newDirFid, String newName) {
        expect(Rrenameat.class, t -> new Trenameat(t, oldDirFid, oldName, newDirFid, newName));
    }

    public void unlinkat(int dirFid, String name, int flags) {
        expect(Runlinkat.class, t -> new Tunlinkat(t, dirFid, name, flags));
    }

    // ---- extended attributes -------------------------------------------------------------------------

    public long xattrwalk(int fid, int newfid, String name) {
        return expect(Rxattrwalk.class, t -> new Txattrwalk(t, fid, newfid, name)).size();
    }

    public void xattrcreate(int fid, String name, long size, int flags) {
        expect(Rxattrcreate.class, t -> new Txattrcreate(t, fid, name, size, flags));
    }

    /** getxattr(2): walk an xattr fid, read it whole, clunk it. */
    public byte[] getxattr(int fid, String name) {
        int x = newFid();
        long size = xattrwalk(fid, x, name);
        try {
            byte[] value = size == 0 ? new byte[0] : readAll(x, 0);
            if (value.length != size) throw new IllegalStateException("xattr read " + value.length + " of " + size);
            return value;
        } finally {
            clunk(x);
        }
    }

    /** listxattr(2). */
    public List<String> listxattr(int fid) {
        byte[] raw = getxattr(fid, "");
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                names.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    /** setxattr(2): clone the fid, Txattrcreate, write the value, clunk (where the server applies it). */
    public void setxattr(int fid, String name, byte[] value, int flags) {
        int x = newFid();
        walk(fid, x);
        try {
            xattrcreate(x, name, value.length, flags);
            if (value.length > 0) writeAll(x, 0, value);
        } catch (RuntimeException e) {
            clunkQuietly(x);
            throw e;
        }
        clunk(x);
    }

    /** removexattr(2): an xattrcreate of size 0, as Linux's v9fs sends it. */
    public void removexattr(int fid, String name) {
        setxattr(fid, name, new byte[0], XATTR_REPLACE);
    }

    private void clunkQuietly(int fid) {
        try {
            clunk(fid);
        } catch (RuntimeException ignored) {
            // the original failure is what the caller needs
        }
    }

    // ---- locks ---------------------------------------------------------------------------------------

    /** Returns the Rlock status (SUCCESS, BLOCKED, ERROR, GRACE). */
    public int lock(int fid, int type, int flags, long start, long length, int procId, String clientId) {
        return expect(Rlock.class, t -> new Tlock(t, fid, type, flags, start, length, procId, clientId)).status();
    }

    public Rgetlock getlock(int fid, int type, long start, long length, int procId, String clientId) {
        return expect(Rgetlock.class, t -> new Tgetlock(t, fid, type, start, length, procId, clientId));
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
