package cairn.protocols.nbd.client;

import javax.net.ssl.SSLContext;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static cairn.protocols.nbd.NbdProtocol.*;

/**
 * A small NBD client for tests, Jepsen and benchmarks: fixed newstyle handshake (GO or EXPORT_NAME, optional
 * STARTTLS, structured replies, {@code base:allocation}), then pipelined requests. Every request returns a
 * future completed by a reader thread as its reply arrives, in whatever order the server answers. At most
 * {@link Options#requestsInFlightMax} requests are outstanding; further calls block until one completes.
 */
public final class NbdClient implements AutoCloseable {

    /**
     * @param export              export name
     * @param useGo               NBD_OPT_GO (else the older NBD_OPT_EXPORT_NAME)
     * @param structuredReplies   ask for structured replies
     * @param blockStatus         select {@code base:allocation} (needs structured replies)
     * @param tls                 STARTTLS with this context first, or null
     * @param requestsInFlightMax outstanding requests at most
     */
    public record Options(String export, boolean useGo, boolean structuredReplies, boolean blockStatus,
                          SSLContext tls, int requestsInFlightMax) {
        public static Options of(String export) {
            return new Options(export, true, true, true, null, 64);
        }

        public Options withTls(SSLContext context) {
            return new Options(export, useGo, structuredReplies, blockStatus, context, requestsInFlightMax);
        }

        /** Plain handshake: EXPORT_NAME, simple replies only. */
        public Options legacy() {
            return new Options(export, false, false, false, tls, requestsInFlightMax);
        }

        public Options withStructuredReplies(boolean value) {
            return new Options(export, useGo, value, value && blockStatus, tls, requestsInFlightMax);
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final long CLOSE_DRAIN_MS = 10_000;
    private static final int CHUNK_BYTES_MAX = BLOCK_SIZE_MAX + 64;

    /** A request waiting for its reply. */
    private static final class Pending {
        final int type;
        final long offset;
        final long length;
        final byte[] data;
        final List<Extent> extents = new ArrayList<>();
        final CompletableFuture<Object> future = new CompletableFuture<>();
        int error;
        String message;

        Pending(int type, long offset, long length) {
            this.type = type;
            this.offset = offset;
            this.length = length;
            this.data = type == CMD_READ ? new byte[(int) Math.min(length, BLOCK_SIZE_MAX)] : null;
        }
    }

    private final Transport transport;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ClientHandshake.Negotiated negotiated;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore permits;
    private final AtomicLong handles = new AtomicLong();
    private final Thread reader;
    private volatile IOException failure;

    private NbdClient(Transport transport, ClientHandshake handshake, ClientHandshake.Negotiated negotiated,
                      int requestsInFlightMax) {
        this.transport = transport;
        this.in = handshake.in();
        this.out = handshake.out();
        this.negotiated = negotiated;
        this.permits = new Semaphore(requestsInFlightMax);
        this.reader = Thread.ofVirtual().name("nbd-client-reader").start(this::readReplies);
    }

    public static NbdClient connect(SocketAddress address, Options options) throws IOException {
        Transport transport = Transport.connect(address, CONNECT_TIMEOUT_MS);
        try {
            ClientHandshake handshake = new ClientHandshake(transport);
            ClientHandshake.Negotiated negotiated = handshake.negotiate(options);
            return new NbdClient(transport, handshake, negotiated, options.requestsInFlightMax());
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** The server's export names (NBD_OPT_LIST), then a soft disconnect. */
    public static List<String> list(SocketAddress address) throws IOException {
        try (Transport transport = Transport.connect(address, CONNECT_TIMEOUT_MS)) {
            return new ClientHandshake(transport).list();
        }
    }

    public long size() {
        return negotiated.sizeBytes();
    }

    public int transmissionFlags() {
        return negotiated.transmissionFlags();
    }

    public boolean flag(int bit) {
        return (negotiated.transmissionFlags() & bit) != 0;
    }

    public boolean structured() {
        return negotiated.structured();
    }

    public int blockSizeMin() {
        return negotiated.blockSizeMin();
    }

    public int blockSizePreferred() {
        return negotiated.blockSizePreferred();
    }

    public int blockSizeMax() {
        return negotiated.blockSizeMax();
    }

    // ---- commands ---------------------------------------------------------------------------------------------

    public CompletableFuture<byte[]> read(long offset, int length) {
        return read(offset, length, 0);
    }

    public CompletableFuture<byte[]> read(long offset, int length, int flags) {
        if (length < 0 || length > BLOCK_SIZE_MAX) throw new IllegalArgumentException("read length " + length);
        return send(CMD_READ, flags, offset, length, null).thenApply(p -> ((Pending) p).data);
    }

    public CompletableFuture<Void> write(long offset, byte[] data) {
        return write(offset, data, 0);
    }

    public CompletableFuture<Void> write(long offset, byte[] data, int flags) {
        return send(CMD_WRITE, flags, offset, data.length, data).thenApply(p -> null);
    }

    public CompletableFuture<Void> flush() {
        return send(CMD_FLUSH, 0, 0, 0, null).thenApply(p -> null);
    }

    public CompletableFuture<Void> trim(long offset, long length, int flags) {
        return send(CMD_TRIM, flags, offset, length, null).thenApply(p -> null);
    }

    public CompletableFuture<Void> writeZeroes(long offset, long length, int flags) {
        return send(CMD_WRITE_ZEROES, flags, offset, length, null).thenApply(p -> null);
    }

    public CompletableFuture<Void> cache(long offset, long length) {
        return send(CMD_CACHE, 0, offset, length, null).thenApply(p -> null);
    }

    /** {@code base:allocation} extents from {@code offset}; needs structured replies and the context selected. */
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length, int flags) {
        return send(CMD_BLOCK_STATUS, flags, offset, length, null).thenApply(p -> List.copyOf(((Pending) p).extents));
    }

    /** Sends any request as is (tests of server validation). */
    public CompletableFuture<Void> raw(int type, int flags, long offset, long length) {
        return send(type, flags, offset, length, null).thenApply(p -> null);
    }

    private CompletableFuture<Object> send(int type, int flags, long offset, long length, byte[] payload) {
        IOException failed = failure;
        if (failed != null) return CompletableFuture.failedFuture(failed);
        permits.acquireUninterruptibly();
        long handle = handles.incrementAndGet();
        Pending p = new Pending(type, offset, length);
        pending.put(handle, p);
        p.future.whenComplete((v, e) -> permits.release());
        if (failure != null) {
            fail(failure); // the reader died between the check above and the put
            return p.future;
        }
        try {
            synchronized (out) {
                out.writeInt(REQUEST_MAGIC);
                out.writeShort(flags);
                out.writeShort(type);
                out.writeLong(handle);
                out.writeLong(offset);
                out.writeInt((int) length);
                if (payload != null) out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            fail(e);
        }
        return p.future;
    }

    // ---- replies ------------------------------------------------------------------------------------------------

    private void readReplies() {
        try {
            while (true) {
                int magic = in.readInt();
                if (magic == SIMPLE_REPLY_MAGIC) simpleReply();
                else if (magic == STRUCTURED_REPLY_MAGIC) structuredChunk();
                else throw new ProtocolException("bad reply magic 0x" + Integer.toHexString(magic));
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void simpleReply() throws IOException {
        int error = in.readInt();
        Pending p = take(in.readLong());
        if (error == 0 && p.type == CMD_READ) in.readFully(p.data);
        p.error = error;
        finish(p);
    }

    private void structuredChunk() throws IOException {
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long handle = in.readLong();
        long length = in.readInt() & 0xffffffffL;
        if (length > CHUNK_BYTES_MAX) throw new ProtocolException("reply chunk of " + length + " bytes");
        Pending p = pending.get(handle);
        if (p == null) throw new ProtocolException("reply for unknown handle " + handle);
        switch (type) {
            case REPLY_TYPE_NONE -> {
                if (length != 0) throw new ProtocolException("NONE chunk with payload");
            }
            case REPLY_TYPE_OFFSET_DATA -> {
                long offset = in.readLong();
                int n = (int) (length - 8);
                int at = within(p, offset, n);
                in.readFully(p.data, at, n);
            }
            case REPLY_TYPE_OFFSET_HOLE -> {
                if (length != 12) throw new ProtocolException("hole chunk of " + length + " bytes");
                long offset = in.readLong();
                within(p, offset, in.readInt()); // the buffer is zero-filled already
            }
            case REPLY_TYPE_BLOCK_STATUS -> {
                if (length < 12 || (length - 4) % 8 != 0) throw new ProtocolException("bad block status chunk");
                in.readInt(); // context id: only base:allocation is selected
                long at = p.offset;
                for (long i = 0; i < (length - 4) / 8; i++) {
                    long extent = in.readInt() & 0xffffffffL;
                    p.extents.add(new Extent(at, extent, in.readInt()));
                    at += extent;
                }
            }
            default -> {
                if ((type & 0x8000) == 0) throw new ProtocolException("unknown reply chunk type " + type);
                if (length < 6) throw new ProtocolException("short error chunk");
                p.error = in.readInt();
                int messageBytes = in.readUnsignedShort();
                if (messageBytes > length - 6) throw new ProtocolException("error message overruns its chunk");
                p.message = new String(in.readNBytes(messageBytes), java.nio.charset.StandardCharsets.UTF_8);
                in.skipNBytes(length - 6 - messageBytes);
            }
        }
        if ((flags & REPLY_FLAG_DONE) != 0) {
            pending.remove(handle);
            finish(p);
        }
    }

    private static int within(Pending p, long offset, int length) throws ProtocolException {
        if (p.type != CMD_READ || length <= 0 || offset < p.offset || offset - p.offset + length > p.length) {
            throw new ProtocolException("content chunk outside the request");
        }
        return (int) (offset - p.offset);
    }

    private Pending take(long handle) throws ProtocolException {
        Pending p = pending.remove(handle);
        if (p == null) throw new ProtocolException("reply for unknown handle " + handle);
        return p;
    }

    private static void finish(Pending p) {
        if (p.error != 0) p.future.completeExceptionally(new NbdErrorException(p.error, p.message));
        else p.future.complete(p);
    }

    private void fail(IOException e) {
        if (failure == null) failure = e;
        for (Long handle : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(handle);
            if (p != null) p.future.completeExceptionally(e);
        }
    }

    /** Waits (bounded) for outstanding replies, sends DISC and closes the connection. */
    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DRAIN_MS);
        for (Pending p : List.copyOf(pending.values())) {
            try {
                p.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception ignored) {
                // failures were reported to whoever holds the future
            }
        }
        try {
            if (failure == null) {
                synchronized (out) {
                    out.writeInt(REQUEST_MAGIC);
                    out.writeShort(0);
                    out.writeShort(CMD_DISC);
                    out.writeLong(handles.incrementAndGet());
                    out.writeLong(0);
                    out.writeInt(0);
                    out.flush();
                }
            }
        } finally {
            transport.close();
            fail(new EOFException("client closed"));
        }
    }
}
