package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.NbdProtocol;
import cairn.protocols.nbd.PausableDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;

import java.util.List;

/**
 * Frames the handshake: the client flags, then options. The protocol allows one option at a time (the client
 * must wait for the final reply), so after each message the decoder pauses until the handler has answered.
 * That keeps a pipelining or flooding client from making the server buffer more than one option, and guarantees
 * that no byte after STARTTLS or GO is decoded as an option. Option data above {@link #OPTION_BYTES_MAX} is
 * skipped as it arrives, never buffered.
 */
public final class HandshakeDecoder extends PausableDecoder {
    /** Longest option data buffered: room for an export name and a few metadata queries. */
    public static final int OPTION_BYTES_MAX = 64 * 1024;
    private static final int OPTION_HEADER_BYTES = 16;

    private enum State { CLIENT_FLAGS, OPTION, SKIP }

    private State state = State.CLIENT_FLAGS;
    private long skipBytesRemaining;

    @Override
    protected void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case CLIENT_FLAGS -> {
                if (in.readableBytes() < 4) return;
                state = State.OPTION;
                emit(out, new HandshakeMessage.ClientFlags(in.readInt()));
            }
            case OPTION -> {
                if (in.readableBytes() < OPTION_HEADER_BYTES) return;
                int start = in.readerIndex();
                long magic = in.getLong(start);
                if (magic != NbdProtocol.IHAVEOPT) {
                    throw new CorruptedFrameException("bad option magic 0x" + Long.toHexString(magic));
                }
                int option = in.getInt(start + 8);
                long length = in.getUnsignedInt(start + 12);
                if (length > OPTION_BYTES_MAX) {
                    in.skipBytes(OPTION_HEADER_BYTES);
                    state = State.SKIP;
                    skipBytesRemaining = length;
                    emit(out, new HandshakeMessage.OversizedOption(option, length));
                    return;
                }
                if (in.readableBytes() < OPTION_HEADER_BYTES + length) return;
                in.skipBytes(OPTION_HEADER_BYTES);
                byte[] data = new byte[(int) length];
                in.readBytes(data);
                emit(out, new HandshakeMessage.OptionRequest(option, data));
            }
            case SKIP -> {
                int n = (int) Math.min(in.readableBytes(), skipBytesRemaining);
                in.skipBytes(n);
                skipBytesRemaining -= n;
                if (skipBytesRemaining == 0) state = State.OPTION;
            }
        }
    }

    private void emit(List<Object> out, HandshakeMessage message) {
        pause();
        out.add(message);
    }
}
