package cairn.protocols.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static cairn.protocols.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Byte-level NBD for handshake tests: whatever a test needs to send, exactly as it needs it. */
final class RawNbd implements AutoCloseable {
    record Reply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    RawNbd(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Reads the greeting, sends the client flags; returns the server's handshake flags. */
    int greet(int clientFlags) throws IOException {
        assertEquals(NBDMAGIC, in.readLong());
        assertEquals(IHAVEOPT, in.readLong());
        int flags = in.readUnsignedShort();
        out.writeInt(clientFlags);
        out.flush();
        return flags;
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    Reply reply() throws IOException {
        assertEquals(OPTION_REPLY_MAGIC, in.readLong());
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new Reply(option, type, data);
    }

    void request(int flags, int type, long handle, long offset, int length) throws IOException {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(length);
        out.flush();
    }

    /** True when the server closed the connection (EOF or reset) before sending anything more. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    static byte[] exportQuery(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
                .putShort((short) infos.length);
        for (int i : infos) b.putShort((short) i);
        return b.array();
    }

    static byte[] metaQuery(String export, String... queries) {
        byte[] n = export.getBytes(StandardCharsets.UTF_8);
        int size = 4 + n.length + 4;
        for (String q : queries) size += 4 + q.length();
        ByteBuffer b = ByteBuffer.allocate(size).putInt(n.length).put(n).putInt(queries.length);
        for (String q : queries) b.putInt(q.length()).put(q.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
