package cairn.protocols.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * A frame decoder the next handler can stop: while paused it decodes nothing more, even from bytes already
 * buffered, and the channel stops reading from the socket. Stopping only the socket is not enough: one read can
 * hold thousands of small requests whose replies would be large.
 */
public abstract class PausableDecoder extends ByteToMessageDecoder {
    private boolean paused;
    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!paused) decodeFrame(ctx, in, out);
    }

    /** Decodes at most one frame into {@code out}. */
    protected abstract void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception;

    public boolean paused() {
        return paused;
    }

    public void pause() {
        paused = true;
        context.channel().config().setAutoRead(false);
    }

    /**
     * Reads from the socket again and, in a later event-loop task (never re-entrantly), decodes what is already
     * buffered.
     */
    public void resume() {
        paused = false;
        context.channel().config().setAutoRead(true);
        context.executor().execute(() -> {
            if (!paused && !context.isRemoved() && context.channel().isActive()) {
                try {
                    channelRead(context, Unpooled.EMPTY_BUFFER);
                } catch (Exception e) {
                    context.fireExceptionCaught(e);
                }
            }
        });
    }

    /** Bytes received but not yet decoded. */
    public int bufferedBytes() {
        return actualReadableBytes();
    }
}
