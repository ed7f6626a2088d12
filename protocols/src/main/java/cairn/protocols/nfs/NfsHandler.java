package cairn.protocols.nfs;

import cairn.engine.fs.Access;
import cairn.engine.fs.Attr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileHandle;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.RenameMode;
import cairn.engine.fs.SetAttr;
import cairn.engine.fs.StatFs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Serves NFSv3 requests from a {@link FileSystem}: knows records and the filesystem, never bytes. Pre-operation
 * attributes are read just before the operation (not atomically with it: clients use them only as a cache
 * hint). Write verifiers are the filesystem's writer epoch, so a restart or failover makes clients resend
 * uncommitted writes.
 */
public final class NfsHandler {
    private static final int NAME_MAX = 255;
    /** Bytes of a READDIR(PLUS) reply besides the entries: status, dir attributes, verifier, list end, eof. */
    private static final int READDIR_OVERHEAD = 4 + 4 + NfsResultEncoder.FATTR_BYTES + 8 + 4 + 4;
    private static final int READDIR_BATCH_MAX = 512;
    private static final int DIR_PREFERRED = 64 * 1024;
    private static final int LINK_MAX = 65000;

    private final FileSystem fs;
    private final NfsExportOptions options;
    private final long cookieVerifier;

    public NfsHandler(FileSystem fs, NfsExportOptions options) {
        this.fs = fs;
        this.options = options;
        // cookies are stable for the life of the volume, so one verifier per volume never goes stale
        this.cookieVerifier = fs.volumeId().getMostSignificantBits() | 1;
    }

    public NfsResponse handle(Caller c, NfsRequest request) {
        return switch (request) {
            case NfsRequest.Null n -> new NfsResponse.Void();
            case NfsRequest.GetAttr r -> {
                var o = attempt(() -> fs.getattr(resolve(r.fh())));
                yield new NfsResponse.AttrRes(o.status(), o.value());
            }
            case NfsRequest.SetAttrs r -> setattr(c, r);
            case NfsRequest.Lookup r -> lookup(c, r);
            case NfsRequest.Access r -> access(c, r);
            case NfsRequest.ReadLink r -> {
                var ino = attempt(() -> resolve(r.fh()));
                if (!ino.ok()) yield new NfsResponse.ReadLinkRes(ino.status(), null, null);
                var o = attempt(() -> fs.readlink(c, ino.value()));
                yield new NfsResponse.ReadLinkRes(o.status(), attrOrNull(ino.value()), o.value());
            }
            case NfsRequest.Read r -> read(c, r);
            case NfsRequest.Write r -> write(c, r);
            case NfsRequest.Create r -> createLike(r.dir(), r.name(), (dir, name) -> create(c, dir, name, r));
            case NfsRequest.Mkdir r -> createLike(r.dir(), r.name(), (dir, name) ->
                    applyRest(c, fs.mkdir(c, dir, name, modeOr(r.attrs(), 0755)), r.attrs(), false));
            case NfsRequest.Symlink r -> createLike(r.dir(), r.name(), (dir, name) ->
                    applyRest(c, fs.symlink(c, dir, name, r.target()), r.attrs(), false));
            case NfsRequest.Mknod r -> createLike(r.dir(), r.name(), (dir, name) -> {
                if (r.type() == null) throw new Failure(Nfs3.ERR_BADTYPE);
                return applyRest(c, fs.mknod(c, dir, name, r.type(), modeOr(r.attrs(), 0644), r.rdev()), r.attrs(), false);
            });
            case NfsRequest.Remove r -> dirOp(r.dir(), dir -> fs.unlink(c, dir, checkName(r.name())));
            case NfsRequest.Rmdir r -> dirOp(r.dir(), dir -> fs.rmdir(c, dir, checkName(r.name())));
            case NfsRequest.Rename r -> rename(c, r);
            case NfsRequest.Link r -> link(c, r);
            case NfsRequest.ReadDir r -> readDir(c, r);
            case NfsRequest.FsStat r -> {
                var ino = attempt(() -> resolve(r.fh()));
                var o = ino.ok() ? attempt(fs::statfs) : Outcome.<StatFs>failed(ino.status());
                yield new NfsResponse.FsStatRes(o.status(), ino.ok() ? attrOrNull(ino.value()) : null, o.value());
            }
            case NfsRequest.FsInfo r -> {
                var a = attempt(() -> fs.getattr(resolve(r.fh())));
                yield new NfsResponse.FsInfoRes(a.status(), a.value(), Nfs3.IO_BYTES_MAX, Nfs3.IO_BYTES_MAX, 4096,
                        DIR_PREFERRED, Long.MAX_VALUE);
            }
            case NfsRequest.PathConf r -> {
                var a = attempt(() -> fs.getattr(resolve(r.fh())));
                yield new NfsResponse.PathConfRes(a.status(), a.value(), LINK_MAX, NAME_MAX);
            }
            case NfsRequest.Commit r -> commit(r);
        };
    }

    // ---- procedures ----------------------------------------------------------------------------------

    private NfsResponse setattr(Caller c, NfsRequest.SetAttrs r) {
        var ino = attempt(() -> resolve(r.fh()));
        if (!ino.ok()) return new NfsResponse.WccRes(ino.status(), Wcc.NONE);
        Attr before = attrOrNull(ino.value());
        var o = attempt(() -> {
            writable();
            if (r.guardCtimeNs() != null && (before == null || before.ctimeNs() != r.guardCtimeNs())) {
                throw new Failure(Nfs3.ERR_NOT_SYNC);
            }
            return fs.setattr(c, ino.value(), r.change());
        });
        return new NfsResponse.WccRes(o.status(), new Wcc(Wcc.Before.of(before), o.ok() ? o.value() : attrOrNull(ino.value())));
    }

    private NfsResponse lookup(Caller c, NfsRequest.Lookup r) {
        var dir = attempt(() -> resolve(r.dir()));
        if (!dir.ok()) return new NfsResponse.LookupRes(dir.status(), null, null, null);
        var o = attempt(() -> fs.lookup(c, dir.value(), checkName(r.name())));
        byte[] fh = o.ok() ? fs.handle(o.value().ino()).toBytes() : null;
        return new NfsResponse.LookupRes(o.status(), fh, o.value(), attrOrNull(dir.value()));
    }

    private NfsResponse access(Caller c, NfsRequest.Access r) {
        var ino = attempt(() -> resolve(r.fh()));
        if (!ino.ok()) return new NfsResponse.AccessRes(ino.status(), null, 0);
        var o = attempt(() -> fs.access(c, ino.value(), r.mask() & 0x3f));
        int granted = o.ok() ? o.value() : 0;
        if (options.readOnly()) granted &= ~(Access.MODIFY | Access.EXTEND | Access.DELETE);
        return new NfsResponse.AccessRes(o.status(), attrOrNull(ino.value()), granted);
    }

    private NfsResponse read(Caller c, NfsRequest.Read r) {
        var ino = attempt(() -> resolve(r.fh()));
        if (!ino.ok()) return new NfsResponse.ReadRes(ino.status(), null, false, null);
        int count = r.count() < 0 || r.count() > Nfs3.IO_BYTES_MAX ? Nfs3.IO_BYTES_MAX : r.count();
        var o = attempt(() -> {
            if (r.offset() < 0) throw new Failure(Nfs3.ERR_INVAL); // offsets past 2^63 are beyond any file
            return fs.read(c, ino.value(), r.offset(), count);
        });
        Attr after = attrOrNull(ino.value());
        return o.ok() ? new NfsResponse.ReadRes(Nfs3.OK, after, o.value().eof(), o.value().data())
                : new NfsResponse.ReadRes(o.status(), after, false, null);
    }

    private NfsResponse write(Caller c, NfsRequest.Write r) {
        var ino = attempt(() -> resolve(r.fh()));
        if (!ino.ok()) return new NfsResponse.WriteRes(ino.status(), Wcc.NONE, 0, 0, 0);
        Attr before = attrOrNull(ino.value());
        long verifier = fs.writeVerifier();
        var o = attempt(() -> {
            writable();
            if (Integer.compareUnsigned(r.count(), r.data().length) > 0) throw new Failure(Nfs3.ERR_INVAL);
            if (r.offset() < 0 || r.offset() + r.count() < 0) throw new Failure(Nfs3.ERR_FBIG);
            byte[] data = r.count() == r.data().length ? r.data() : Arrays.copyOf(r.data(), r.count());
            Attr a = fs.write(c, ino.value(), r.offset(), data);
            if (r.stable() != Nfs3.UNSTABLE) fs.fsync(ino.value());
            return a;
        });
        var wcc = new Wcc(Wcc.Before.of(before), o.ok() ? o.value() : attrOrNull(ino.value()));
        int committed = r.stable() == Nfs3.UNSTABLE ? Nfs3.UNSTABLE : Nfs3.FILE_SYNC;
        return new NfsResponse.WriteRes(o.status(), wcc, r.count(), committed, verifier);
    }

    private NfsResponse commit(NfsRequest.Commit r) {
        var ino = attempt(() -> resolve(r.fh()));
        if (!ino.ok()) return new NfsResponse.CommitRes(ino.status(), Wcc.NONE, 0);
        Attr before = attrOrNull(ino.value());
        long verifier = fs.writeVerifier();
        var o = attempt(() -> {
            fs.fsync(ino.value());
            return Boolean.TRUE;
        });
        return new NfsResponse.CommitRes(o.status(), new Wcc(Wcc.Before.of(before), attrOrNull(ino.value())), verifier);
    }

    /** CREATE in its three modes; EXCLUSIVE keeps the verifier in atime/mtime so a retransmission succeeds. */
    private Attr create(Caller c, long dir, String name, NfsRequest.Create r) {
        return switch (r.how()) {
            case Nfs3.EXCLUSIVE -> createExclusive(c, dir, name, r.verifier());
            case Nfs3.GUARDED -> applyRest(c, fs.create(c, dir, name, modeOr(r.attrs(), 0644), true), r.attrs(), true);
            default -> {
                try {
                    yield applyRest(c, fs.create(c, dir, name, modeOr(r.attrs(), 0644), true), r.attrs(), true);
                } catch (FsException e) {
                    if (e.errno() != Errno.EEXIST) throw e;
                    // an existing file: UNCHECKED only truncates it, as open(O_CREAT|O_TRUNC) does
                    Attr existing = fs.create(c, dir, name, modeOr(r.attrs(), 0644), false);
                    Long size = r.attrs().size();
                    yield size == null ? existing : fs.setattr(c, existing.ino(), SetAttr.size(size));
                }
            }
        };
    }

    private Attr createExclusive(Caller c, long dir, String name, byte[] verifier) {
        long v = ByteBuffer.wrap(verifier).getLong();
        long atimeNs = (v >>> 32) * 1_000_000_000L;
        long mtimeNs = (v & 0xffffffffL) * 1_000_000_000L;
        try {
            Attr a = fs.create(c, dir, name, 0600, true);
            return fs.setattr(c, a.ino(), new SetAttr(null, null, null, null,
                    new SetAttr.TimeChange.At(atimeNs), new SetAttr.TimeChange.At(mtimeNs)));
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST) throw e;
            Attr existing = fs.lookup(c, dir, name);
            boolean retransmission = existing.type() == FileType.REGULAR && existing.atimeNs() == atimeNs
                    && existing.mtimeNs() == mtimeNs;
            if (!retransmission) throw e;
            return existing;
        }
    }

    private interface Creation {
        Attr create(long dir, String name);
    }

    private NfsResponse createLike(byte[] dirFh, String name, Creation creation) {
        var dir = attempt(() -> resolve(dirFh));
        if (!dir.ok()) return new NfsResponse.CreateRes(dir.status(), null, null, Wcc.NONE);
        Attr before = attrOrNull(dir.value());
        var o = attempt(() -> {
            writable();
            return creation.create(dir.value(), checkName(name));
        });
        byte[] fh = o.ok() ? fs.handle(o.value().ino()).toBytes() : null;
        return new NfsResponse.CreateRes(o.status(), fh, o.value(), wcc(before, dir.value()));
    }

    private interface DirChange {
        void apply(long dir);
    }

    private NfsResponse dirOp(byte[] dirFh, DirChange change) {
        var dir = attempt(() -> resolve(dirFh));
        if (!dir.ok()) return new NfsResponse.WccRes(dir.status(), Wcc.NONE);
        Attr before = attrOrNull(dir.value());
        var o = attempt(() -> {
            writable();
            change.apply(dir.value());
            return Boolean.TRUE;
        });
        return new NfsResponse.WccRes(o.status(), wcc(before, dir.value()));
    }

    private NfsResponse rename(Caller c, NfsRequest.Rename r) {
        var from = attempt(() -> resolve(r.fromDir()));
        var to = attempt(() -> resolve(r.toDir()));
        if (!from.ok() || !to.ok()) {
            return new NfsResponse.RenameRes(from.ok() ? to.status() : from.status(), Wcc.NONE, Wcc.NONE);
        }
        Attr fromBefore = attrOrNull(from.value()), toBefore = attrOrNull(to.value());
        var o = attempt(() -> {
            writable();
            fs.rename(c, from.value(), checkName(r.fromName()), to.value(), checkName(r.toName()), RenameMode.REPLACE);
            return Boolean.TRUE;
        });
        return new NfsResponse.RenameRes(o.status(), wcc(fromBefore, from.value()), wcc(toBefore, to.value()));
    }

    private NfsResponse link(Caller c, NfsRequest.Link r) {
        var file = attempt(() -> resolve(r.fh()));
        var dir = attempt(() -> resolve(r.dir()));
        if (!file.ok() || !dir.ok()) {
            return new NfsResponse.LinkRes(file.ok() ? dir.status() : file.status(), null, Wcc.NONE);
        }
        Attr before = attrOrNull(dir.value());
        var o = attempt(() -> {
            writable();
            return fs.link(c, file.value(), dir.value(), checkName(r.name()));
        });
        return new NfsResponse.LinkRes(o.status(), o.ok() ? o.value() : attrOrNull(file.value()), wcc(before, dir.value()));
    }

    /**
     * READDIR and READDIRPLUS: entries from the stable cookies the filesystem hands out, as many as fit in
     * {@code maxCount} reply bytes (and, for READDIRPLUS, {@code dirCount} bytes of names and cookies).
     */
    private NfsResponse readDir(Caller c, NfsRequest.ReadDir r) {
        var dir = attempt(() -> resolve(r.dir()));
        if (!dir.ok()) return new NfsResponse.ReadDirRes(dir.status(), r.plus(), null, 0, List.of(), false);
        if (r.cookie() != 0 && r.cookieVerifier() != 0 && r.cookieVerifier() != cookieVerifier) {
            return new NfsResponse.ReadDirRes(Nfs3.ERR_BAD_COOKIE, r.plus(), attrOrNull(dir.value()), 0, List.of(), false);
        }
        int maxCount = r.maxCount() < 0 ? Nfs3.IO_BYTES_MAX : Math.min(r.maxCount(), Nfs3.IO_BYTES_MAX);
        int dirCount = !r.plus() || r.dirCount() <= 0 ? Integer.MAX_VALUE : r.dirCount();
        var entries = new ArrayList<NfsResponse.ReadDirRes.Entry>();
        var o = attempt(() -> {
            int bytesLeft = maxCount - READDIR_OVERHEAD;
            int dirBytesLeft = dirCount;
            long cursor = r.cookie();
            while (true) {
                int batch = Math.clamp(bytesLeft / NfsResultEncoder.entryBytes(0, r.plus()) + 1, 1, READDIR_BATCH_MAX);
                DirPage page = fs.readdir(c, dir.value(), cursor, batch);
                for (var e : page.entries()) {
                    int nameBytes = e.name().getBytes(StandardCharsets.UTF_8).length;
                    int size = NfsResultEncoder.entryBytes(nameBytes, r.plus());
                    int dirSize = NfsResultEncoder.dirInfoBytes(nameBytes);
                    if (size > bytesLeft || (dirSize > dirBytesLeft && !entries.isEmpty())) return false;
                    entries.add(entry(e.ino(), e.name(), e.cookie(), r.plus()));
                    bytesLeft -= size;
                    dirBytesLeft -= dirSize;
                    cursor = e.cookie();
                }
                if (page.eof() || page.entries().isEmpty()) return true;
            }
        });
        Attr dirAttr = attrOrNull(dir.value());
        if (!o.ok()) return new NfsResponse.ReadDirRes(o.status(), r.plus(), dirAttr, 0, List.of(), false);
        if (entries.isEmpty() && !o.value()) {
            return new NfsResponse.ReadDirRes(Nfs3.ERR_TOOSMALL, r.plus(), dirAttr, 0, List.of(), false);
        }
        return new NfsResponse.ReadDirRes(Nfs3.OK, r.plus(), dirAttr, cookieVerifier, entries, o.value());
    }

    private NfsResponse.ReadDirRes.Entry entry(long ino, String name, long cookie, boolean plus) {
        if (!plus) return new NfsResponse.ReadDirRes.Entry(ino, name, cookie, null, null);
        try {
            return new NfsResponse.ReadDirRes.Entry(ino, name, cookie, fs.getattr(ino), fs.handle(ino).toBytes());
        } catch (FsException e) {
            // removed since the listing was read: the name without attributes or handle
            return new NfsResponse.ReadDirRes.Entry(ino, name, cookie, null, null);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** The inode a wire handle names: NFS3ERR_BADHANDLE if it is not one of ours in shape, STALE if gone. */
    private long resolve(byte[] fh) {
        if (fh.length != FileHandle.BYTES) throw new Failure(Nfs3.ERR_BADHANDLE);
        FileHandle handle = FileHandle.fromBytes(fh);
        if (!handle.volume().equals(fs.volumeId())) throw new Failure(Nfs3.ERR_STALE);
        return fs.resolve(handle);
    }

    private void writable() {
        if (options.readOnly()) throw new Failure(Nfs3.ERR_ROFS);
    }

    private static String checkName(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) throw new Failure(Nfs3.ERR_NAMETOOLONG);
        return name;
    }

    private static int modeOr(SetAttr attrs, int fallback) {
        return attrs.mode() != null ? attrs.mode() : fallback;
    }

    /** Applies what create-like calls cannot set themselves (owner, times, and for files the size). */
    private Attr applyRest(Caller c, Attr created, SetAttr attrs, boolean withSize) {
        var rest = new SetAttr(null, attrs.uid(), attrs.gid(), withSize ? attrs.size() : null, attrs.atime(), attrs.mtime());
        if (rest.equals(SetAttr.NONE)) return created;
        return fs.setattr(c, created.ino(), rest);
    }

    private Wcc wcc(Attr before, long ino) {
        return new Wcc(Wcc.Before.of(before), attrOrNull(ino));
    }

    private Attr attrOrNull(long ino) {
        try {
            return fs.getattr(ino);
        } catch (FsException e) {
            return null;
        }
    }

    private static <T> Outcome<T> attempt(Supplier<T> op) {
        try {
            return new Outcome<>(Nfs3.OK, op.get());
        } catch (Failure f) {
            return Outcome.failed(f.status);
        } catch (FsException e) {
            return Outcome.failed(Nfs3Status.of(e.errno()));
        }
    }

    private record Outcome<T>(int status, T value) {
        static <T> Outcome<T> failed(int status) {
            return new Outcome<>(status, null);
        }

        boolean ok() {
            return status == Nfs3.OK;
        }
    }

    /** An NFS status that has no errno (BADHANDLE, NOT_SYNC, BADTYPE) or a policy refusal (ROFS). */
    private static final class Failure extends RuntimeException {
        final int status;

        Failure(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }
}
