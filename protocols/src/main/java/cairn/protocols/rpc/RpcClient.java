package cairn.protocols.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A blocking ONC RPC client over one TCP connection. Calls may be issued from many threads at once (they are
 * pipelined; a reader thread matches replies by xid). Used by the NFS client, tests and benchmarks.
 */
public final class RpcClient implements AutoCloseable {
    /** Largest reply accepted: a 1 MiB READ plus headers. */
    public static final int REPLY_BYTES_MAX = (1 << 20) + 64 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final Duration timeout;
    private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());
    private final Map<Integer, CompletableFuture<RpcReply>> pending = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile IOException failure;

    private RpcClient(Socket socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.timeout = timeout;
        Thread.ofPlatform().daemon().name("rpc-client-reader-" + socket.getLocalPort()).start(this::readLoop);
    }

    public static RpcClient connect(InetSocketAddress server, Duration timeout) {
        try {
            var s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(server, (int) timeout.toMillis());
            return new RpcClient(s, timeout);
        } catch (IOException e) {
            throw new RpcException("cannot connect to " + server, e);
        }
    }

    public int nextXid() {
        return nextXid.getAndIncrement();
    }

    public boolean isOpen() {
        return failure == null && !socket.isClosed();
    }

    /** Sends a call; the future completes with its reply (whatever its status). */
    public CompletableFuture<RpcReply> callAsync(int program, int version, int procedure, RpcAuth auth,
                                                 Consumer<XdrWriter> args) {
        return callAsync(nextXid(), program, version, procedure, auth, args);
    }

    /** As {@link #callAsync(int, int, int, RpcAuth, Consumer)} with a chosen xid (to test retransmissions). */
    public CompletableFuture<RpcReply> callAsync(int xid, int program, int version, int procedure, RpcAuth auth,
                                                 Consumer<XdrWriter> args) {
        ByteBuf buf = Unpooled.buffer(256);
        var w = new XdrWriter(buf);
        w.writeInt(xid).writeInt(Rpc.CALL).writeInt(Rpc.VERSION).writeInt(program).writeInt(version)
                .writeInt(procedure);
        RpcAuth.write(w, auth);
        w.writeInt(RpcAuth.FLAVOR_NONE).writeInt(0);
        args.accept(w);
        byte[] record = new byte[buf.readableBytes()];
        buf.readBytes(record);
        var future = new CompletableFuture<RpcReply>();
        pending.put(xid, future);
        try {
            sendRecord(record);
        } catch (RpcException e) {
            pending.remove(xid);
            future.completeExceptionally(e);
        }
        return future;
    }

    /** Sends a call and waits for its reply (whatever its status) up to the client's timeout. */
    public RpcReply call(int program, int version, int procedure, RpcAuth auth, Consumer<XdrWriter> args) {
        return await(callAsync(program, version, procedure, auth, args));
    }

    public RpcReply await(CompletableFuture<RpcReply> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RpcException("no reply within " + timeout);
        } catch (ExecutionException e) {
            throw new RpcException("call failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException("interrupted");
        }
    }

    /** Sends a hand-made record and awaits the reply with {@code xid} (tests: malformed headers). */
    public RpcReply callRaw(int xid, byte[] record) {
        var future = new CompletableFuture<RpcReply>();
        pending.put(xid, future);
        sendRecord(record);
        return await(future);
    }

    /** Sends raw bytes as one record (tests: malformed calls). */
    public void sendRecord(byte[] record) {
        byte[] framed = new byte[4 + record.length];
        int header = 0x80000000 | record.length;
        framed[0] = (byte) (header >>> 24);
        framed[1] = (byte) (header >>> 16);
        framed[2] = (byte) (header >>> 8);
        framed[3] = (byte) header;
        System.arraycopy(record, 0, framed, 4, record.length);
        sendBytes(framed);
    }

    /** Sends raw bytes with no framing at all (tests). */
    public void sendBytes(byte[] bytes) {
        try {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            throw new RpcException("send failed", e);
        }
    }

    private void readLoop() {
        try (var in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                byte[] record = readRecord(in);
                RpcReply reply;
                try {
                    reply = RpcReply.parse(new XdrReader(Unpooled.wrappedBuffer(record)));
                } catch (XdrException e) {
                    continue;
                }
                var f = pending.remove(reply.xid());
                if (f != null) f.complete(reply);
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            failure = failure != null ? failure : new EOFException("closed");
            var e = new RpcException("connection lost", failure);
            pending.values().forEach(f -> f.completeExceptionally(e));
            pending.clear();
            closed.countDown();
        }
    }

    private static byte[] readRecord(DataInputStream in) throws IOException {
        byte[] record = new byte[0];
        boolean last = false;
        while (!last) {
            int header = in.readInt();
            last = header < 0;
            int length = header & 0x7fffffff;
            if ((long) record.length + length > REPLY_BYTES_MAX) throw new IOException("reply over " + REPLY_BYTES_MAX);
            byte[] grown = Arrays.copyOf(record, record.length + length);
            in.readFully(grown, record.length, length);
            record = grown;
        }
        return record;
    }

    /** Whether the server closed the connection (tests: oversize records). */
    public boolean awaitClosed(Duration within) {
        try {
            return closed.await(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
