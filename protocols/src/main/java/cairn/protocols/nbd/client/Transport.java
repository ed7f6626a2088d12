package cairn.protocols.nbd.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A blocking byte stream to the server: TCP (optionally upgraded to TLS) or a Unix domain socket. */
abstract class Transport implements AutoCloseable {
    abstract InputStream in() throws IOException;

    abstract OutputStream out() throws IOException;

    /** Switches to TLS after NBD_OPT_STARTTLS was acknowledged. */
    abstract void startTls(SSLContext tls) throws IOException;

    @Override
    public abstract void close() throws IOException;

    static Transport connect(SocketAddress address, int timeoutMs) throws IOException {
        if (address instanceof UnixDomainSocketAddress unix) return new Unix(unix);
        if (address instanceof InetSocketAddress inet) return new Tcp(inet, timeoutMs);
        throw new IllegalArgumentException("unsupported address " + address);
    }

    private static final class Tcp extends Transport {
        private final InetSocketAddress address;
        private Socket socket;

        Tcp(InetSocketAddress address, int timeoutMs) throws IOException {
            this.address = address;
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, timeoutMs);
        }

        @Override
        InputStream in() throws IOException {
            return socket.getInputStream();
        }

        @Override
        OutputStream out() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        void startTls(SSLContext tls) throws IOException {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory()
                    .createSocket(socket, address.getHostString(), address.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            socket = ssl;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** SocketChannel reads and writes may run on two threads at once; the streams call them directly. */
    private static final class Unix extends Transport {
        private final SocketChannel channel;

        Unix(UnixDomainSocketAddress address) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(address);
        }

        @Override
        InputStream in() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
                }
            };
        }

        @Override
        OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) channel.write(buf);
                }
            };
        }

        @Override
        void startTls(SSLContext tls) {
            throw new UnsupportedOperationException("TLS over a Unix socket is not supported by this client");
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
