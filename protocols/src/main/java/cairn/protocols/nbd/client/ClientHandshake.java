package cairn.protocols.nbd.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;

/** The client side of the fixed newstyle handshake, over blocking streams. */
final class ClientHandshake {
    /** Longest option reply accepted from the server. */
    private static final int REPLY_BYTES_MAX = 64 * 1024;

    /** What the handshake settled. */
    record Negotiated(long sizeBytes, int transmissionFlags, boolean structured, int metaContextId,
                      int blockSizeMin, int blockSizePreferred, int blockSizeMax) {}

    private record Reply(int option, int type, byte[] data) {}

    private final Transport transport;
    private DataInputStream in;
    private DataOutputStream out;
    private boolean noZeroes;

    ClientHandshake(Transport transport) throws IOException {
        this.transport = transport;
        streams();
    }

    DataInputStream in() {
        return in;
    }

    DataOutputStream out() {
        return out;
    }

    private void streams() throws IOException {
        in = new DataInputStream(new BufferedInputStream(transport.in(), 128 * 1024));
        out = new DataOutputStream(new BufferedOutputStream(transport.out(), 128 * 1024));
    }

    /** Reads the greeting and sends the client flags. */
    void greet() throws IOException {
        if (in.readLong() != NBDMAGIC || in.readLong() != IHAVEOPT) throw new ProtocolException("not an NBD server");
        int flags = in.readUnsignedShort();
        if ((flags & FLAG_FIXED_NEWSTYLE) == 0) throw new ProtocolException("server lacks fixed newstyle");
        noZeroes = (flags & FLAG_NO_ZEROES) != 0;
        out.writeInt(FLAG_C_FIXED_NEWSTYLE | (noZeroes ? FLAG_C_NO_ZEROES : 0));
        out.flush();
    }

    Negotiated negotiate(NbdClient.Options options) throws IOException {
        greet();
        if (options.tls() != null) {
            send(OPT_STARTTLS, new byte[0]);
            Reply r = expectFinal(OPT_STARTTLS);
            if (r.type() != REP_ACK) throw error(r);
            transport.startTls(options.tls());
            streams();
        }
        boolean structured = false;
        if (options.structuredReplies()) {
            send(OPT_STRUCTURED_REPLY, new byte[0]);
            Reply r = expectFinal(OPT_STRUCTURED_REPLY);
            structured = r.type() == REP_ACK;
        }
        int contextId = -1;
        if (structured && options.blockStatus()) contextId = setMetaContext(options.export());
        if (!options.useGo()) return exportName(options.export(), structured, contextId);
        byte[] name = options.export().getBytes(StandardCharsets.UTF_8);
        send(OPT_GO, ByteBuffer.allocate(4 + name.length + 2 + 4).putInt(name.length).put(name)
                .putShort((short) 2).putShort((short) INFO_NAME).putShort((short) INFO_BLOCK_SIZE).array());
        long size = -1;
        int flags = 0;
        int min = 1, preferred = 4096, max = BLOCK_SIZE_MAX;
        while (true) {
            Reply r = reply(OPT_GO);
            if (r.type() == REP_ACK) break;
            if (r.type() != REP_INFO) throw error(r);
            ByteBuffer b = ByteBuffer.wrap(r.data());
            if (b.remaining() < 2) throw new ProtocolException("empty NBD_REP_INFO");
            int info = b.getShort() & 0xffff;
            if (info == INFO_EXPORT && b.remaining() == 10) {
                size = b.getLong();
                flags = b.getShort() & 0xffff;
            } else if (info == INFO_BLOCK_SIZE && b.remaining() == 12) {
                min = b.getInt();
                preferred = b.getInt();
                max = b.getInt();
            }
        }
        if (size < 0) throw new ProtocolException("GO succeeded without NBD_INFO_EXPORT");
        return new Negotiated(size, flags, structured, contextId, min, preferred, max);
    }

    private Negotiated exportName(String export, boolean structured, int contextId) throws IOException {
        send(OPT_EXPORT_NAME, export.getBytes(StandardCharsets.UTF_8));
        long size = in.readLong();
        int flags = in.readUnsignedShort();
        if (!noZeroes) in.skipNBytes(124);
        return new Negotiated(size, flags, structured, contextId, 1, 4096, BLOCK_SIZE_MAX);
    }

    private int setMetaContext(String export) throws IOException {
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        byte[] query = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
        send(OPT_SET_META_CONTEXT, ByteBuffer.allocate(4 + name.length + 4 + 4 + query.length).putInt(name.length)
                .put(name).putInt(1).putInt(query.length).put(query).array());
        int id = -1;
        while (true) {
            Reply r = reply(OPT_SET_META_CONTEXT);
            if (r.type() == REP_ACK) return id;
            if (r.type() != REP_META_CONTEXT) throw error(r);
            if (r.data().length < 4) throw new ProtocolException("short NBD_REP_META_CONTEXT");
            String context = new String(r.data(), 4, r.data().length - 4, StandardCharsets.UTF_8);
            if (context.equals(BASE_ALLOCATION)) id = ByteBuffer.wrap(r.data()).getInt();
        }
    }

    /** NBD_OPT_LIST: the export names, then a soft disconnect. */
    List<String> list() throws IOException {
        greet();
        send(OPT_LIST, new byte[0]);
        List<String> names = new ArrayList<>();
        while (true) {
            Reply r = reply(OPT_LIST);
            if (r.type() == REP_ACK) break;
            if (r.type() != REP_SERVER) throw error(r);
            ByteBuffer b = ByteBuffer.wrap(r.data());
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) throw new ProtocolException("bad NBD_REP_SERVER");
            names.add(new String(r.data(), 4, length, StandardCharsets.UTF_8));
        }
        send(OPT_ABORT, new byte[0]);
        return names;
    }

    void send(int option, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private Reply expectFinal(int option) throws IOException {
        Reply r = reply(option);
        if (r.type() != REP_ACK && r.type() >= 0) throw new ProtocolException("unexpected reply " + r.type());
        return r;
    }

    private Reply reply(int option) throws IOException {
        if (in.readLong() != OPTION_REPLY_MAGIC) throw new ProtocolException("bad option reply magic");
        int replyOption = in.readInt();
        int type = in.readInt();
        int length = in.readInt();
        if (replyOption != option) throw new ProtocolException("reply for option " + replyOption + ", not " + option);
        if (length < 0 || length > REPLY_BYTES_MAX) throw new ProtocolException("option reply of " + length + " bytes");
        byte[] data = in.readNBytes(length);
        if (data.length != length) throw new java.io.EOFException();
        return new Reply(replyOption, type, data);
    }

    private static NbdErrorException error(Reply r) {
        return new NbdErrorException(r.type(), new String(r.data(), StandardCharsets.UTF_8));
    }
}
