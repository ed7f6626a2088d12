package cairn.protocols.nfs.client;

import cairn.engine.fs.Attr;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;
import cairn.engine.fs.ReadResult;
import cairn.engine.fs.SetAttr;
import cairn.engine.fs.StatFs;
import cairn.protocols.nfs.Mount3;
import cairn.protocols.nfs.Nfs3;
import cairn.protocols.nfs.Nfs3Xdr;
import cairn.protocols.nfs.Wcc;
import cairn.protocols.rpc.RpcAuth;
import cairn.protocols.rpc.RpcClient;
import cairn.protocols.rpc.RpcException;
import cairn.protocols.rpc.RpcReply;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A userspace NFSv3 + MOUNT v3 client over TCP (tests, Jepsen, benchmarks). Handles are raw bytes. Thread-safe;
 * calls from several threads are pipelined on one connection. A call whose connection breaks or times out is
 * resent with the same xid on a new connection (as kernel clients do), so the server's duplicate request cache
 * answers a retransmitted non-idempotent call with its original reply. Non-OK statuses are {@link NfsException}.
 */
public final class NfsClient implements AutoCloseable {
    private static final int ATTEMPTS_MAX = 3;

    private final InetSocketAddress server;
    private final RpcAuth auth;
    private final Duration timeout;
    private RpcClient rpc;

    public NfsClient(InetSocketAddress server, RpcAuth auth, Duration timeout) {
        this.server = server;
        this.auth = auth;
        this.timeout = timeout;
    }

    /** AUTH_SYS as root: what a kernel client sends for root. */
    public static NfsClient connect(InetSocketAddress server) {
        return new NfsClient(server, new RpcAuth.Sys(0, "cairn-client", 0, 0, new int[0]), Duration.ofSeconds(30));
    }

    // ---- results ---------------------------------------------------------------------------------------

    public record Lookup(byte[] fh, Attr attr, Attr dir) {}

    /** The handle and attributes of what CREATE/MKDIR/SYMLINK/MKNOD made (either may be absent). */
    public record Created(byte[] fh, Attr attr, Wcc dir) {}

    public record Write(int count, int committed, long verifier, Wcc wcc) {}

    public record DirEntry(long fileId, String name, long cookie, Attr attr, byte[] fh) {}

    public record DirPage(List<DirEntry> entries, long cookieVerifier, boolean eof) {}

    public record FsInfo(int rtmax, int rtpref, int rtmult, int wtmax, int wtpref, int wtmult, int dtpref,
                         long maxFileSize, long timeDeltaNs, int properties) {}

    public record PathConf(int linkMax, int nameMax, boolean noTrunc, boolean chownRestricted,
                           boolean caseInsensitive, boolean casePreserving) {}

    // ---- MOUNT -----------------------------------------------------------------------------------------

    public byte[] mount(String path) {
        return call(Mount3.PROGRAM, Mount3.VERSION, Mount3.MNT, w -> w.writeString(path), r -> {
            int status = r.readInt();
            if (status != Mount3.OK) throw new NfsException("MNT", status);
            byte[] fh = r.readOpaque(Nfs3.FHSIZE_MAX);
            int n = r.readCount(64);
            for (int i = 0; i < n; i++) r.readInt();
            return fh;
        });
    }

    public void unmount(String path) {
        call(Mount3.PROGRAM, Mount3.VERSION, Mount3.UMNT, w -> w.writeString(path), r -> null);
    }

    // ---- NFS -------------------------------------------------------------------------------------------

    public void nullCall() {
        call(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.NULL, w -> { }, r -> null);
    }

    public Attr getattr(byte[] fh) {
        return nfs(Nfs3.GETATTR, "GETATTR", w -> w.writeOpaque(fh), r -> null, Nfs3Xdr::readFattr);
    }

    public Wcc setattr(byte[] fh, SetAttr change, Long guardCtimeNs) {
        return nfs(Nfs3.SETATTR, "SETATTR", w -> {
            w.writeOpaque(fh);
            Nfs3Xdr.writeSattr(w, change);
            w.writeBool(guardCtimeNs != null);
            if (guardCtimeNs != null) Nfs3Xdr.writeTime(w, guardCtimeNs);
        }, Nfs3Xdr::readWcc, Nfs3Xdr::readWcc);
    }

    public Lookup lookup(byte[] dir, String name) {
        return nfs(Nfs3.LOOKUP, "LOOKUP", w -> w.writeOpaque(dir).writeString(name), Nfs3Xdr::readPostOpAttr,
                r -> new Lookup(r.readOpaque(Nfs3.FHSIZE_MAX), Nfs3Xdr.readPostOpAttr(r), Nfs3Xdr.readPostOpAttr(r)));
    }

    public int access(byte[] fh, int mask) {
        return nfs(Nfs3.ACCESS, "ACCESS", w -> w.writeOpaque(fh).writeInt(mask), Nfs3Xdr::readPostOpAttr, r -> {
            Nfs3Xdr.readPostOpAttr(r);
            return r.readInt();
        });
    }

    public String readlink(byte[] fh) {
        return nfs(Nfs3.READLINK, "READLINK", w -> w.writeOpaque(fh), Nfs3Xdr::readPostOpAttr, r -> {
            Nfs3Xdr.readPostOpAttr(r);
            return r.readString(Nfs3.PATH_BYTES_MAX);
        });
    }

    public ReadResult read(byte[] fh, long offset, int count) {
        return nfs(Nfs3.READ, "READ", w -> w.writeOpaque(fh).writeHyper(offset).writeInt(count),
                Nfs3Xdr::readPostOpAttr, r -> {
                    Nfs3Xdr.readPostOpAttr(r);
                    r.readInt();
                    boolean eof = r.readBool();
                    return new ReadResult(r.readOpaque(Nfs3.IO_BYTES_MAX), eof);
                });
    }

    /** WRITE with {@code stable} one of {@link Nfs3#UNSTABLE}, {@link Nfs3#DATA_SYNC}, {@link Nfs3#FILE_SYNC}. */
    public Write write(byte[] fh, long offset, byte[] data, int stable) {
        return nfs(Nfs3.WRITE, "WRITE", w -> w.writeOpaque(fh).writeHyper(offset).writeInt(data.length)
                        .writeInt(stable).writeOpaque(data), Nfs3Xdr::readWcc,
                r -> {
                    Wcc wcc = Nfs3Xdr.readWcc(r);
                    return new Write(r.readInt(), r.readInt(), r.readHyper(), wcc);
                });
    }

    /** COMMIT; returns the write verifier. */
    public long commit(byte[] fh, long offset, int count) {
        return nfs(Nfs3.COMMIT, "COMMIT", w -> w.writeOpaque(fh).writeHyper(offset).writeInt(count),
                Nfs3Xdr::readWcc, r -> {
                    Nfs3Xdr.readWcc(r);
                    return r.readHyper();
                });
    }

    /** CREATE UNCHECKED or GUARDED with {@code attrs}. */
    public Created create(byte[] dir, String name, int how, SetAttr attrs) {
        return nfs(Nfs3.CREATE, "CREATE", w -> {
            w.writeOpaque(dir).writeString(name).writeInt(how);
            Nfs3Xdr.writeSattr(w, attrs);
        }, Nfs3Xdr::readWcc, NfsClient::readCreated);
    }

    /** CREATE EXCLUSIVE with an 8-byte verifier. */
    public Created createExclusive(byte[] dir, String name, long verifier) {
        return nfs(Nfs3.CREATE, "CREATE", w -> w.writeOpaque(dir).writeString(name).writeInt(Nfs3.EXCLUSIVE)
                .writeHyper(verifier), Nfs3Xdr::readWcc, NfsClient::readCreated);
    }

    public Created mkdir(byte[] dir, String name, SetAttr attrs) {
        return nfs(Nfs3.MKDIR, "MKDIR", w -> {
            w.writeOpaque(dir).writeString(name);
            Nfs3Xdr.writeSattr(w, attrs);
        }, Nfs3Xdr::readWcc, NfsClient::readCreated);
    }

    public Created symlink(byte[] dir, String name, String target) {
        return nfs(Nfs3.SYMLINK, "SYMLINK", w -> {
            w.writeOpaque(dir).writeString(name);
            Nfs3Xdr.writeSattr(w, SetAttr.NONE);
            w.writeString(target);
        }, Nfs3Xdr::readWcc, NfsClient::readCreated);
    }

    public Created mknod(byte[] dir, String name, FileType type, SetAttr attrs, DeviceNumber rdev) {
        return nfs(Nfs3.MKNOD, "MKNOD", w -> {
            w.writeOpaque(dir).writeString(name).writeInt(Nfs3Xdr.ftype(type));
            switch (type) {
                case CHAR_DEVICE, BLOCK_DEVICE -> {
                    Nfs3Xdr.writeSattr(w, attrs);
                    w.writeInt(rdev.major()).writeInt(rdev.minor());
                }
                case SOCKET, FIFO -> Nfs3Xdr.writeSattr(w, attrs);
                default -> { }
            }
        }, Nfs3Xdr::readWcc, NfsClient::readCreated);
    }

    public Wcc remove(byte[] dir, String name) {
        return nfs(Nfs3.REMOVE, "REMOVE", w -> w.writeOpaque(dir).writeString(name), Nfs3Xdr::readWcc, Nfs3Xdr::readWcc);
    }

    /** REMOVE with a chosen xid (tests: a retransmission must get the original reply). */
    public Wcc remove(int xid, byte[] dir, String name) {
        return nfs(xid, Nfs3.REMOVE, "REMOVE", w -> w.writeOpaque(dir).writeString(name), Nfs3Xdr::readWcc, Nfs3Xdr::readWcc);
    }

    public Wcc rmdir(byte[] dir, String name) {
        return nfs(Nfs3.RMDIR, "RMDIR", w -> w.writeOpaque(dir).writeString(name), Nfs3Xdr::readWcc, Nfs3Xdr::readWcc);
    }

    public void rename(byte[] fromDir, String fromName, byte[] toDir, String toName) {
        nfs(Nfs3.RENAME, "RENAME", w -> w.writeOpaque(fromDir).writeString(fromName).writeOpaque(toDir).writeString(toName),
                NfsClient::readTwoWcc, NfsClient::readTwoWcc);
    }

    public Attr link(byte[] fh, byte[] dir, String name) {
        return nfs(Nfs3.LINK, "LINK", w -> w.writeOpaque(fh).writeOpaque(dir).writeString(name), NfsClient::readLinkRes,
                NfsClient::readLinkRes);
    }

    public DirPage readdir(byte[] dir, long cookie, long cookieVerifier, int count) {
        return nfs(Nfs3.READDIR, "READDIR", w -> w.writeOpaque(dir).writeHyper(cookie).writeHyper(cookieVerifier)
                .writeInt(count), Nfs3Xdr::readPostOpAttr, r -> readDirPage(r, false));
    }

    public DirPage readdirplus(byte[] dir, long cookie, long cookieVerifier, int dirCount, int maxCount) {
        return nfs(Nfs3.READDIRPLUS, "READDIRPLUS", w -> w.writeOpaque(dir).writeHyper(cookie)
                        .writeHyper(cookieVerifier).writeInt(dirCount).writeInt(maxCount), Nfs3Xdr::readPostOpAttr,
                r -> readDirPage(r, true));
    }

    /** Every entry of a directory (including "." and ".."), page by page with READDIRPLUS. */
    public List<DirEntry> listAll(byte[] dir) {
        var all = new ArrayList<DirEntry>();
        long cookie = 0, verifier = 0;
        while (true) {
            DirPage page = readdirplus(dir, cookie, verifier, 8192, 32768);
            all.addAll(page.entries());
            if (page.eof() || page.entries().isEmpty()) return all;
            cookie = page.entries().getLast().cookie();
            verifier = page.cookieVerifier();
        }
    }

    public StatFs fsstat(byte[] fh) {
        return nfs(Nfs3.FSSTAT, "FSSTAT", w -> w.writeOpaque(fh), Nfs3Xdr::readPostOpAttr, r -> {
            Nfs3Xdr.readPostOpAttr(r);
            long tbytes = r.readHyper(), fbytes = r.readHyper(), abytes = r.readHyper();
            long tfiles = r.readHyper(), ffiles = r.readHyper();
            r.readHyper();
            r.readInt();
            return new StatFs(tbytes, fbytes, abytes, tfiles, ffiles, 0, 0);
        });
    }

    public FsInfo fsinfo(byte[] fh) {
        return nfs(Nfs3.FSINFO, "FSINFO", w -> w.writeOpaque(fh), Nfs3Xdr::readPostOpAttr, r -> {
            Nfs3Xdr.readPostOpAttr(r);
            return new FsInfo(r.readInt(), r.readInt(), r.readInt(), r.readInt(), r.readInt(), r.readInt(),
                    r.readInt(), r.readHyper(), Nfs3Xdr.readTime(r), r.readInt());
        });
    }

    public PathConf pathconf(byte[] fh) {
        return nfs(Nfs3.PATHCONF, "PATHCONF", w -> w.writeOpaque(fh), Nfs3Xdr::readPostOpAttr, r -> {
            Nfs3Xdr.readPostOpAttr(r);
            return new PathConf(r.readInt(), r.readInt(), r.readBool(), r.readBool(), r.readBool(), r.readBool());
        });
    }

    // ---- plumbing --------------------------------------------------------------------------------------

    private static Created readCreated(XdrReader r) {
        byte[] fh = Nfs3Xdr.readPostOpFh(r);
        Attr attr = Nfs3Xdr.readPostOpAttr(r);
        return new Created(fh, attr, Nfs3Xdr.readWcc(r));
    }

    private static Wcc[] readTwoWcc(XdrReader r) {
        return new Wcc[] {Nfs3Xdr.readWcc(r), Nfs3Xdr.readWcc(r)};
    }

    private static Attr readLinkRes(XdrReader r) {
        Attr a = Nfs3Xdr.readPostOpAttr(r);
        Nfs3Xdr.readWcc(r);
        return a;
    }

    private static DirPage readDirPage(XdrReader r, boolean plus) {
        Nfs3Xdr.readPostOpAttr(r);
        long verifier = r.readHyper();
        var entries = new ArrayList<DirEntry>();
        while (r.readBool()) {
            long fileId = r.readHyper();
            String name = r.readString(Nfs3.NAME_BYTES_MAX);
            long cookie = r.readHyper();
            Attr attr = plus ? Nfs3Xdr.readPostOpAttr(r) : null;
            byte[] fh = plus ? Nfs3Xdr.readPostOpFh(r) : null;
            entries.add(new DirEntry(fileId, name, cookie, attr, fh));
        }
        return new DirPage(entries, verifier, r.readBool());
    }

    private <T> T nfs(int procedure, String name, Consumer<XdrWriter> args, Function<XdrReader, ?> failBody,
                      Function<XdrReader, T> okBody) {
        return nfs(null, procedure, name, args, failBody, okBody);
    }

    private <T> T nfs(Integer xid, int procedure, String name, Consumer<XdrWriter> args, Function<XdrReader, ?> failBody,
                      Function<XdrReader, T> okBody) {
        return call(xid, Nfs3.PROGRAM, Nfs3.VERSION, procedure, args, r -> {
            int status = r.readInt();
            if (status != Nfs3.OK) throw new NfsException(name, status);
            return okBody.apply(r);
        });
    }

    private <T> T call(int program, int version, int procedure, Consumer<XdrWriter> args, Function<XdrReader, T> results) {
        return call(null, program, version, procedure, args, results);
    }

    /**
     * One call ({@code xid} null: a fresh one); resent with the same xid on a fresh connection if the
     * connection fails or times out.
     */
    private <T> T call(Integer xid, int program, int version, int procedure, Consumer<XdrWriter> args,
                       Function<XdrReader, T> results) {
        RpcException last = null;
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            RpcClient c = connection();
            if (xid == null) xid = c.nextXid();
            int id = xid;
            RpcReply reply;
            try {
                reply = c.await(c.callAsync(id, program, version, procedure, auth, args));
            } catch (RpcException e) {
                last = e;
                drop(c);
                continue;
            }
            if (!reply.succeeded()) {
                throw new RpcException("RPC refused: accepted=" + reply.accepted() + " acceptStat=" + reply.acceptStat()
                        + " rejectStat=" + reply.rejectStat() + " authStat=" + reply.authStat());
            }
            return results.apply(reply.results());
        }
        throw last;
    }

    private synchronized RpcClient connection() {
        if (rpc == null || !rpc.isOpen()) rpc = RpcClient.connect(server, timeout);
        return rpc;
    }

    private synchronized void drop(RpcClient c) {
        c.close();
        if (rpc == c) rpc = null;
    }

    @Override
    public synchronized void close() {
        if (rpc != null) rpc.close();
        rpc = null;
    }
}
