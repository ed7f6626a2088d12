package cairn.protocols.ninep;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Errno;
import cairn.protocols.ninep.wire.FrameDecoder;
import cairn.protocols.ninep.wire.MessageDecoder;
import cairn.protocols.ninep.wire.ProtocolException;
import cairn.protocols.ninep.wire.RequestCodec;
import cairn.protocols.ninep.wire.Tmessage;
import cairn.protocols.ninep.wire.Tmessage.Tversion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes: seeded random frames and mutations of valid ones through the server's decoders (only a
 * {@link ProtocolException} may escape), then garbage against a live server, which must keep serving.
 */
class DecoderFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int FRAME_MAX = 8192;

    private static List<byte[]> validFrames() {
        return Samples().stream().map(m -> {
            ByteBuf b = Unpooled.buffer();
            RequestCodec.encode(m, b);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        }).toList();
    }

    private static List<Tmessage> Samples() {
        return List.of(new Tversion(0xFFFF, 65536, "9P2000.L"),
                new Tmessage.Tattach(1, 0, -1, "u", "a", 0),
                new Tmessage.Twalk(2, 0, 1, List.of("a", "b")),
                new Tmessage.Twrite(3, 1, 0, new byte[] {1, 2, 3, 4}),
                new Tmessage.Tlcreate(4, 1, "f", 2, 0644, 0),
                new Tmessage.Tsetattr(5, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8),
                new Tmessage.Tlock(6, 1, 1, 0, 0, 10, 1, "c"),
                new Tmessage.Txattrcreate(7, 1, "user.x", 5, 0),
                new Tmessage.Trenameat(8, 0, "a", 0, "b"));
    }

    private static byte[] mutate(Random rnd, byte[] frame) {
        byte[] m = frame.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> { // flip bytes anywhere, the size field included
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) m[rnd.nextInt(m.length)] = (byte) rnd.nextInt();
            }
            case 1 -> { // truncate, fixing the size so the body is short
                int len = 7 + rnd.nextInt(Math.max(1, m.length - 7));
                m = java.util.Arrays.copyOf(m, len);
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
            }
            case 2 -> { // extend with junk, size fixed
                int extra = 1 + rnd.nextInt(64);
                m = java.util.Arrays.copyOf(m, m.length + extra);
                for (int i = frame.length; i < m.length; i++) m[i] = (byte) rnd.nextInt();
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(0, m.length);
            }
            case 3 -> { // huge inner counts: 0xFF into a field after the header
                for (int i = 7; i < m.length; i++) if (rnd.nextInt(4) == 0) m[i] = (byte) 0xFF;
            }
            default -> m[4] = (byte) rnd.nextInt(256); // another type
        }
        return m;
    }

    private static byte[] randomFrame(Random rnd) {
        int len = rnd.nextInt(64);
        byte[] b = new byte[4 + len];
        rnd.nextBytes(b);
        if (rnd.nextBoolean()) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, b.length);
        return b;
    }

    @Test
    void decodersOnlyEverThrowProtocolErrors() {
        Random rnd = new Random(SEED);
        List<byte[]> valid = validFrames();
        int decoded = 0, refused = 0;
        try {
            for (int i = 0; i < 5_000; i++) {
                byte[] input = rnd.nextInt(3) == 0 ? randomFrame(rnd) : mutate(rnd, valid.get(rnd.nextInt(valid.size())));
                List<Throwable> errors = new ArrayList<>();
                var ch = new EmbeddedChannel(new FrameDecoder(FRAME_MAX), MessageDecoder.requests(),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.fireChannelRead(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                errors.add(cause);
                            }
                        });
                try {
                    ch.writeInbound(Unpooled.wrappedBuffer(input));
                    for (Object m; (m = ch.readInbound()) != null; ) {
                        assertInstanceOf(Tmessage.class, m);
                        decoded++;
                    }
                } finally {
                    ch.finishAndReleaseAll();
                }
                for (Throwable e : errors) {
                    if (!(e instanceof DecoderException d && d.getCause() instanceof ProtocolException)) {
                        throw new AssertionError("escaped: " + e, e);
                    }
                }
                if (!errors.isEmpty()) refused++;
            }
        } catch (Throwable t) {
            throw new AssertionError("fuzz failed; rerun with -Dfuzz.seed=" + SEED, t);
        }
        assertTrue(decoded > 200 && refused > 200, "both outcomes exercised: " + decoded + "/" + refused);
    }

    private static byte[] frame(Tmessage m) {
        ByteBuf b = Unpooled.buffer();
        RequestCodec.encode(m, b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    /** Reads one reply frame: type and the rest. */
    private static byte[] readFrame(InputStream in) throws Exception {
        var data = new DataInputStream(in);
        int size = Integer.reverseBytes(data.readInt());
        byte[] body = new byte[size - 4];
        data.readFully(body);
        return body;
    }

    @Test
    void liveServerSurvivesGarbageAndAnswersUnknownTypes() throws Exception {
        Random rnd = new Random(SEED);
        try (var fx = new ServerFixture(new FsProbe().fs, NinepOptions.defaults())) {
            var addr = fx.address();
            try (var s = new Socket(addr.getAddress(), addr.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(frame(new Tversion(0xFFFF, 8192, "9P2000.L")));
                assertEquals(101, readFrame(s.getInputStream())[0]);
                // unknown type 126 (9P2000's Twstat) -> Rlerror EOPNOTSUPP, connection stays up
                out.write(new byte[] {11, 0, 0, 0, 126, 9, 0, 1, 0, 0, 0});
                byte[] r = readFrame(s.getInputStream());
                assertEquals(7, r[0]);
                assertEquals(9, r[1]);
                assertEquals(Errno.EOPNOTSUPP.code, r[3]);
                // a frame above the negotiated msize closes the connection
                out.write(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 0, 100, 0, 0});
                assertEquals(-1, s.getInputStream().read(), "server closed the connection");
            }
            for (int i = 0; i < 20; i++) {
                try (var s = new Socket(addr.getAddress(), addr.getPort())) {
                    s.setSoTimeout(10_000);
                    byte[] junk = new byte[1 + rnd.nextInt(4096)];
                    rnd.nextBytes(junk);
                    s.getOutputStream().write(junk);
                    s.shutdownOutput();
                    while (s.getInputStream().read() >= 0) {
                        // drain whatever replies the junk earned until the server closes
                    }
                }
            }
            var good = fx.attached(0);
            assertEquals(1, good.getattr(0, cairn.protocols.ninep.wire.Protocol.GETATTR_BASIC).qid().path());
        } catch (Throwable t) {
            throw new AssertionError("seed " + SEED, t);
        }
    }
}
