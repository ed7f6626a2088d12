package cairn.protocols.nfs;

import cairn.engine.fs.FileHandle;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.client.NfsClient;
import cairn.protocols.rpc.RecordMarkingDecoder;
import cairn.protocols.rpc.RecordMarkingEncoder;
import cairn.protocols.rpc.ReplyCache;
import cairn.protocols.rpc.Rpc;
import cairn.protocols.rpc.RpcAuth;
import cairn.protocols.rpc.RpcCallDecoder;
import cairn.protocols.rpc.RpcClient;
import cairn.protocols.rpc.RpcDispatcher;
import cairn.protocols.rpc.RpcProgram;
import cairn.protocols.rpc.RpcProgramRegistry;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile input: seeded random records and mutations of valid calls go through the whole pipeline (record
 * marking, call decoding, dispatch, NFS/MOUNT/portmapper decoding and handling). Nothing may escape as an
 * exception, no call may end in SYSTEM_ERR (an unexpected exception inside a program), and a good call still
 * works afterwards. Prints the seed on failure.
 */
class RpcFuzzTest {
    private static final int ITERATIONS = 3000;
    private static final RpcAuth ROOT = new RpcAuth.Sys(1, "fuzz", 0, 0, new int[0]);

    private final TestVolume volume = new TestVolume();
    private final FileSystem fs = volume.fs;
    private final RpcProgramRegistry programs;

    RpcFuzzTest() {
        var options = NfsExportOptions.DEFAULT;
        programs = new RpcProgramRegistry(List.<RpcProgram>of(
                new NfsProgram(new NfsHandler(fs, options), options, 1),
                new MountProgram(new MountTable(fs, options), options),
                new PortmapProgram(List.of(), () -> 2049)));
    }

    @org.junit.jupiter.api.AfterEach
    void closeVolume() {
        volume.close();
    }

    private EmbeddedChannel channel() {
        var ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }
        };
        ch.pipeline().addLast(new RecordMarkingDecoder(Nfs3.RECORD_BYTES_MAX), RecordMarkingEncoder.INSTANCE,
                RpcCallDecoder.INSTANCE, new RpcDispatcher(programs, new ReplyCache(64), Runnable::run, 1 << 20, 16));
        return ch;
    }

    @Test
    void randomAndMutatedCallsNeverBreakTheServer() {
        long seed = System.nanoTime();
        try {
            fuzz(seed);
        } catch (Throwable t) {
            throw new AssertionError("RpcFuzzTest seed " + seed + ": " + t, t);
        }
    }

    private void fuzz(long seed) {
        var random = new Random(seed);
        List<byte[]> valid = validCalls();
        var ch = channel();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] record = switch (random.nextInt(4)) {
                case 0 -> randomBytes(random, random.nextInt(600));
                case 1 -> truncate(random, valid.get(random.nextInt(valid.size())));
                default -> mutate(random, valid.get(random.nextInt(valid.size())));
            };
            if (random.nextInt(50) == 0) {
                ch.writeInbound(Unpooled.wrappedBuffer(randomBytes(random, 1 + random.nextInt(64)))); // no framing
            } else {
                ch.writeInbound(frame(record));
            }
            ch.checkException();
            drainReplies(ch);
            if (!ch.isOpen()) {
                ch.finishAndReleaseAll();
                ch = channel();
            }
        }
        // a good call still works on a fresh connection
        ch.finishAndReleaseAll();
        ch = channel();
        ch.writeInbound(frame(call(42, Nfs3.PROGRAM, Nfs3.GETATTR, w -> w.writeOpaque(rootHandle()))));
        ByteBuf reply = ch.readOutbound();
        ch.releaseOutbound();
        assertTrue(reply != null, "no reply to a good GETATTR");
        reply.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void liveServerSurvivesGarbageAndServesAGoodClient() {
        var random = new Random(11);
        try (var server = new NfsTestServer(fs, NfsExportOptions.DEFAULT)) {
            for (int i = 0; i < 10; i++) {
                try (var c = RpcClient.connect(server.address, Duration.ofSeconds(10))) {
                    c.sendBytes(randomBytes(random, 1 + random.nextInt(4096)));
                }
            }
            try (var nfs = NfsClient.connect(server.address)) {
                byte[] root = nfs.mount("/");
                nfs.mkdir(root, "still-alive", SetAttr.NONE);
                assertTrue(nfs.listAll(root).stream().anyMatch(e -> e.name().equals("still-alive")));
            }
        }
    }

    /** Parses every reply; the record marking header comes as its own buffer. */
    private static void drainReplies(EmbeddedChannel ch) {
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            try {
                if (b.readableBytes() == 4) continue; // record marking header
                var r = new XdrReader(b);
                r.readInt();
                assertEquals(Rpc.REPLY, r.readInt());
                if (r.readInt() == Rpc.MSG_ACCEPTED) {
                    r.readInt();
                    r.skipOpaque(400);
                    int stat = r.readInt();
                    if (stat == Rpc.SYSTEM_ERR) fail("a call ended in SYSTEM_ERR");
                }
            } finally {
                b.release();
            }
        }
    }

    private byte[] rootHandle() {
        return fs.handle(FileSystem.ROOT_INODE).toBytes();
    }

    /** One well-formed call per procedure of every program, with real handles. */
    private List<byte[]> validCalls() {
        byte[] root = rootHandle();
        long fileIno = fs.create(cairn.engine.fs.Caller.ROOT, FileSystem.ROOT_INODE, "f", 0644, false).ino();
        byte[] file = fs.handle(fileIno).toBytes();
        byte[] stale = new FileHandle(fs.volumeId(), 999, 1).toBytes();
        var calls = new ArrayList<byte[]>();
        int xid = 1;
        for (byte[] fh : List.of(root, file, stale)) {
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.GETATTR, w -> w.writeOpaque(fh)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.SETATTR, w -> {
                w.writeOpaque(fh);
                Nfs3Xdr.writeSattr(w, new SetAttr(0644, 0, 0, 10L, new SetAttr.TimeChange.Now(), new SetAttr.TimeChange.At(5)));
                w.writeBool(true).writeInt(1).writeInt(2);
            }));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.LOOKUP, w -> w.writeOpaque(fh).writeString("f")));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.ACCESS, w -> w.writeOpaque(fh).writeInt(0x3f)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.READLINK, w -> w.writeOpaque(fh)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.READ, w -> w.writeOpaque(fh).writeHyper(0).writeInt(100)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.WRITE, w -> w.writeOpaque(fh).writeHyper(3).writeInt(5).writeInt(0)
                    .writeOpaque(new byte[5])));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.CREATE, w -> {
                w.writeOpaque(fh).writeString("c").writeInt(1);
                Nfs3Xdr.writeSattr(w, SetAttr.mode(0600));
            }));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.CREATE, w -> w.writeOpaque(fh).writeString("x").writeInt(2).writeHyper(7)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.MKDIR, w -> {
                w.writeOpaque(fh).writeString("d");
                Nfs3Xdr.writeSattr(w, SetAttr.NONE);
            }));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.SYMLINK, w -> {
                w.writeOpaque(fh).writeString("s");
                Nfs3Xdr.writeSattr(w, SetAttr.NONE);
                w.writeString("target");
            }));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.MKNOD, w -> {
                w.writeOpaque(fh).writeString("n").writeInt(Nfs3.NF3CHR);
                Nfs3Xdr.writeSattr(w, SetAttr.NONE);
                w.writeInt(1).writeInt(2);
            }));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.REMOVE, w -> w.writeOpaque(fh).writeString("c")));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.RMDIR, w -> w.writeOpaque(fh).writeString("d")));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.RENAME, w -> w.writeOpaque(fh).writeString("s").writeOpaque(root).writeString("t")));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.LINK, w -> w.writeOpaque(file).writeOpaque(fh).writeString("l")));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.READDIR, w -> w.writeOpaque(fh).writeHyper(0).writeHyper(0).writeInt(4096)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.READDIRPLUS, w -> w.writeOpaque(fh).writeHyper(0).writeHyper(0)
                    .writeInt(1024).writeInt(8192)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.FSSTAT, w -> w.writeOpaque(fh)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.FSINFO, w -> w.writeOpaque(fh)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.PATHCONF, w -> w.writeOpaque(fh)));
            calls.add(call(xid++, Nfs3.PROGRAM, Nfs3.COMMIT, w -> w.writeOpaque(fh).writeHyper(0).writeInt(0)));
        }
        calls.add(call(xid++, Mount3.PROGRAM, Mount3.MNT, w -> w.writeString("/f")));
        calls.add(call(xid++, Mount3.PROGRAM, Mount3.DUMP, w -> { }));
        calls.add(call(xid++, Mount3.PROGRAM, Mount3.EXPORT, w -> { }));
        calls.add(call(xid++, Mount3.PROGRAM, Mount3.UMNT, w -> w.writeString("/")));
        calls.add(call(xid, PortmapProgram.PROGRAM, PortmapProgram.GETPORT, w -> w.writeInt(Nfs3.PROGRAM).writeInt(3)
                .writeInt(6).writeInt(0)));
        return calls;
    }

    private static byte[] call(int xid, int program, int procedure, Consumer<XdrWriter> args) {
        ByteBuf b = Unpooled.buffer();
        var w = new XdrWriter(b);
        int version = program == Nfs3.PROGRAM ? 3 : program == Mount3.PROGRAM ? 3 : 2;
        w.writeInt(xid).writeInt(Rpc.CALL).writeInt(Rpc.VERSION).writeInt(program).writeInt(version).writeInt(procedure);
        RpcAuth.write(w, ROOT);
        w.writeInt(0).writeInt(0);
        args.accept(w);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    private static ByteBuf frame(byte[] record) {
        return Unpooled.buffer(record.length + 4).writeInt(0x80000000 | record.length).writeBytes(record);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] truncate(Random random, byte[] call) {
        return java.util.Arrays.copyOf(call, random.nextInt(call.length + 1));
    }

    /** Flips bytes, or plants a hostile 32-bit value (huge length, negative count) at a word boundary. */
    private static byte[] mutate(Random random, byte[] call) {
        byte[] b = call.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            if (random.nextBoolean()) {
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            } else {
                int[] hostile = {0x7fffffff, 0xffffffff, 0x80000000, 0x00100001, 65, 17, 2, 0};
                int at = random.nextInt(b.length / 4) * 4;
                int v = hostile[random.nextInt(hostile.length)];
                b[at] = (byte) (v >>> 24);
                b[at + 1] = (byte) (v >>> 16);
                b[at + 2] = (byte) (v >>> 8);
                b[at + 3] = (byte) v;
            }
        }
        return b;
    }
}
