package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Runs the calls of one connection: routes each to its program (PROG_UNAVAIL, PROG_MISMATCH and PROC_UNAVAIL
 * are answered on the event loop), consults the {@link ReplyCache} for non-idempotent procedures, runs the
 * program on the executor (virtual threads) and writes replies in completion order. Memory per connection is
 * bounded: above {@code inFlightBytesMax} request+reply bytes or {@code inFlightCallsMax} calls the
 * connection stops reading until replies have gone out.
 */
public final class RpcDispatcher extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RpcDispatcher.class.getName());
    /** The checksum that tells two calls with the same xid apart covers this many argument bytes. */
    private static final int CHECKSUM_BYTES = 512;

    private final RpcProgramRegistry programs;
    private final ReplyCache replyCache;
    private final Executor executor;
    private final long inFlightBytesMax;
    private final int inFlightCallsMax;
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicInteger inFlightCalls = new AtomicInteger();

    public RpcDispatcher(RpcProgramRegistry programs, ReplyCache replyCache, Executor executor,
                         long inFlightBytesMax, int inFlightCallsMax) {
        this.programs = programs;
        this.replyCache = replyCache;
        this.executor = executor;
        this.inFlightBytesMax = inFlightBytesMax;
        this.inFlightCallsMax = inFlightCallsMax;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case RpcMessage.Denied d -> {
                ByteBuf out = ctx.alloc().buffer(32);
                var w = new XdrWriter(out);
                if (d.rejectStat() == Rpc.RPC_MISMATCH) Rpc.writeRpcMismatch(w, d.xid());
                else Rpc.writeAuthError(w, d.xid(), d.authStat());
                send(ctx, out);
            }
            case RpcMessage.Call c -> dispatch(ctx, c);
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, RpcMessage.Call call) {
        RpcProgram program = programs.find(call.program());
        ByteBuf early = null;
        if (program == null) {
            early = ctx.alloc().buffer(24);
            Rpc.writeAccepted(new XdrWriter(early), call.xid(), Rpc.PROG_UNAVAIL);
        } else if (call.version() < program.lowVersion() || call.version() > program.highVersion()) {
            early = ctx.alloc().buffer(32);
            Rpc.writeProgMismatch(new XdrWriter(early), call.xid(), program.lowVersion(), program.highVersion());
        } else if (!program.hasProcedure(call.version(), call.procedure())) {
            early = ctx.alloc().buffer(24);
            Rpc.writeAccepted(new XdrWriter(early), call.xid(), Rpc.PROC_UNAVAIL);
        }
        if (early != null) {
            call.args().release();
            send(ctx, early);
            return;
        }
        var client = (InetSocketAddress) ctx.channel().remoteAddress();
        ReplyCache.Key key = null;
        if (program.cachesReplies(call.version(), call.procedure())) {
            key = new ReplyCache.Key(client.getAddress(), call.xid(), call.program(), call.version(),
                    call.procedure(), checksum(call.args()));
            switch (replyCache.begin(key)) {
                case ReplyCache.Admission.InProgress p -> {
                    call.args().release();
                    return;
                }
                case ReplyCache.Admission.Replay r -> {
                    call.args().release();
                    send(ctx, Unpooled.wrappedBuffer(r.reply()));
                    return;
                }
                case ReplyCache.Admission.Run r -> { }
            }
        }
        long requestBytes = call.args().readableBytes();
        admit(ctx, requestBytes);
        ReplyCache.Key cacheKey = key;
        executor.execute(() -> run(ctx, program, new RpcProgram.Context(call, client), cacheKey, requestBytes));
    }

    private void run(ChannelHandlerContext ctx, RpcProgram program, RpcProgram.Context context,
                     ReplyCache.Key key, long requestBytes) {
        RpcMessage.Call call = context.call();
        ByteBuf out = ctx.alloc().buffer(256);
        var w = new XdrWriter(out);
        try {
            Rpc.writeAccepted(w, call.xid(), Rpc.SUCCESS);
            program.call(context, new XdrReader(call.args()), w);
        } catch (XdrException e) {
            out.clear();
            Rpc.writeAccepted(w, call.xid(), Rpc.GARBAGE_ARGS);
        } catch (RpcAuthException e) {
            out.clear();
            Rpc.writeAuthError(w, call.xid(), e.authStat());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "RPC program " + call.program() + " procedure "
                    + call.procedure() + " failed", e);
            out.clear();
            Rpc.writeAccepted(w, call.xid(), Rpc.SYSTEM_ERR);
            if (key != null) replyCache.abandon(key);
            key = null;
        } finally {
            call.args().release();
        }
        if (key != null) {
            byte[] copy = new byte[out.readableBytes()];
            out.getBytes(out.readerIndex(), copy);
            replyCache.complete(key, copy);
        }
        long replyBytes = out.readableBytes();
        inFlightBytes.addAndGet(replyBytes);
        ctx.writeAndFlush(out).addListener(f -> release(ctx, requestBytes + replyBytes));
    }

    /**
     * Writes a reply made on the event loop. It counts against the budget until written, so a client that
     * sends calls without reading replies cannot grow the outbound buffer without bound.
     */
    private void send(ChannelHandlerContext ctx, ByteBuf reply) {
        long bytes = reply.readableBytes();
        admit(ctx, bytes);
        ctx.writeAndFlush(reply).addListener(f -> release(ctx, bytes));
    }

    private void admit(ChannelHandlerContext ctx, long bytes) {
        long b = inFlightBytes.addAndGet(bytes);
        int n = inFlightCalls.incrementAndGet();
        if (b > inFlightBytesMax || n >= inFlightCallsMax) ctx.channel().config().setAutoRead(false);
    }

    private void release(ChannelHandlerContext ctx, long bytes) {
        inFlightBytes.addAndGet(-bytes);
        inFlightCalls.decrementAndGet();
        if (!ctx.channel().config().isAutoRead()) ctx.channel().eventLoop().execute(() -> resumeIfDrained(ctx));
    }

    /** On the event loop: read again once half the budget is free (hysteresis avoids toggling per call). */
    private void resumeIfDrained(ChannelHandlerContext ctx) {
        if (inFlightBytes.get() <= inFlightBytesMax / 2 && inFlightCalls.get() <= inFlightCallsMax / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static long checksum(ByteBuf args) {
        var crc = new CRC32C();
        int n = Math.min(args.readableBytes(), CHECKSUM_BYTES);
        for (ByteBuffer b : args.nioBuffers(args.readerIndex(), n)) crc.update(b);
        return crc.getValue();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "closing RPC connection " + ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
