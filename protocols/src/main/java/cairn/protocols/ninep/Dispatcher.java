package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;

import cairn.engine.fs.Access;
import cairn.engine.fs.Attr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.DirEntry;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.RenameMode;
import cairn.engine.fs.SetAttr;
import cairn.engine.fs.StatFs;
import cairn.protocols.ninep.Fid.Opened;
import cairn.protocols.ninep.Fid.Unopened;
import cairn.protocols.ninep.Fid.XattrRead;
import cairn.protocols.ninep.Fid.XattrWrite;
import cairn.protocols.ninep.wire.Dirent;
import cairn.protocols.ninep.wire.Qid;
import cairn.protocols.ninep.wire.Rmessage;
import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage;
import cairn.protocols.ninep.wire.Tmessage.*;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps each 9P2000.L request to {@link FileSystem} calls and builds the reply. Blocking: runs on a virtual
 * thread per request. Every failure becomes Rlerror with the Linux errno.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Entries asked of the filesystem per Treaddir; the reply is then cut to the client's byte count. */
    private static final int READDIR_BATCH_MAX = 512;

    private final FileSystem fs;
    private final NinepOptions options;
    private final Identity identity;
    private final XattrOps xattrs;
    private final LockOps locks;
    private final int blockSize;

    Dispatcher(FileSystem fs, NinepOptions options) {
        this.fs = fs;
        this.options = options;
        this.identity = new Identity(options);
        this.xattrs = new XattrOps(fs);
        this.locks = new LockOps(fs);
        this.blockSize = blockSizeOf(fs);
    }

    private static int blockSize(StatFs s) {
        return s.blockSize() > 0 ? s.blockSize() : 4096;
    }

    private static int blockSizeOf(FileSystem fs) {
        try {
            return blockSize(fs.statfs());
        } catch (RuntimeException e) {
            return 4096;
        }
    }

    Rmessage handle(Session s, Tmessage request) {
        try {
            return dispatch(s, request);
        } catch (FsException e) {
            return new Rlerror(request.tag(), e.errno().code);
        } catch (RuntimeException e) {
            log.warn("9P {} failed", request.getClass().getSimpleName(), e);
            return new Rlerror(request.tag(), Errno.EIO.code);
        }
    }

    /**
     * The reply to a request that needs no filesystem call, made on the caller's thread (the connection's
     * event loop), or null: the request then runs on a worker. Covers what a Linux client sends around every
     * open and create that touches only the fid table: a clone walk (no names) and the clunk of a fid that
     * was never opened (three of the ten requests of an open(O_CREAT) + close). Answering them here skips
     * two thread handoffs each.
     */
    Rmessage answerWithoutFilesystem(Session s, Tmessage request) {
        if (!s.versioned()) return null;
        return switch (request) {
            case Twalk m when m.names().isEmpty() -> handle(s, m); // walk() calls the filesystem only per name
            case Tclunk m -> s.fids.removeUnopened(m.fid()) ? new Rclunk(m.tag()) : null;
            default -> null;
        };
    }

    private Rmessage dispatch(Session s, Tmessage request) {
        if (!s.versioned() && !(request instanceof Tversion) && !(request instanceof Rejected)) {
            throw new FsException(Errno.EINVAL, "request before Tversion");
        }
        return switch (request) {
            case Tversion m -> version(s, m);
            case Tauth m -> new Rlerror(m.tag(), Errno.EOPNOTSUPP.code);
            case Tattach m -> attach(s, m);
            case Tflush m -> new Rflush(m.tag()); // flushes are answered by the connection, never queued
            case Twalk m -> walk(s, m);
            case Tlopen m -> lopen(s, m);
            case Tlcreate m -> lcreate(s, m);
            case Tread m -> read(s, m);
            case Twrite m -> write(s, m);
            case Tclunk m -> clunk(s, m);
            case Tremove m -> remove(s, m);
            case Tstatfs m -> statfs(s, m);
            case Tgetattr m -> AttrMapping.getattr(m.tag(), fs.getattr(s.fids.get(m.fid()).ino()), m.requestMask(),
                    blockSize);
            case Tsetattr m -> setattr(s, m);
            case Treaddir m -> readdir(s, m);
            case Tfsync m -> {
                fs.fsync(s.fids.get(m.fid()).ino());
                yield new Rfsync(m.tag());
            }
            case Tmkdir m -> {
                Fid dir = s.fids.get(m.dfid());
                yield new Rmkdir(m.tag(), AttrMapping.qid(fs.mkdir(identity.forCreate(dir.caller(), m.gid()),
                        dir.ino(), name(m.name()), m.mode() & 07777)));
            }
            case Tsymlink m -> {
                Fid dir = s.fids.get(m.fid());
                yield new Rsymlink(m.tag(), AttrMapping.qid(fs.symlink(identity.forCreate(dir.caller(), m.gid()),
                        dir.ino(), name(m.name()), m.target())));
            }
            case Tmknod m -> new Rmknod(m.tag(), AttrMapping.qid(mknod(s, m)));
            case Treadlink m -> {
                Fid f = s.fids.get(m.fid());
                yield new Rreadlink(m.tag(), fs.readlink(f.caller(), f.ino()));
            }
            case Tlink m -> {
                Fid dir = s.fids.get(m.dfid());
                Fid target = s.fids.get(m.fid());
                fs.link(dir.caller(), target.ino(), dir.ino(), name(m.name()));
                yield new Rlink(m.tag());
            }
            case Trename m -> rename(s, m);
            case Trenameat m -> {
                Fid from = s.fids.get(m.oldDirFid());
                Fid to = s.fids.get(m.newDirFid());
                fs.rename(from.caller(), from.ino(), name(m.oldName()), to.ino(), name(m.newName()),
                        RenameMode.REPLACE);
                yield new Rrenameat(m.tag());
            }
            case Tunlinkat m -> {
                Fid dir = s.fids.get(m.dirFid());
                if ((m.flags() & ~AT_REMOVEDIR) != 0) throw new FsException(Errno.EINVAL, "unlinkat flags");
                if ((m.flags() & AT_REMOVEDIR) != 0) fs.rmdir(dir.caller(), dir.ino(), name(m.name()));
                else fs.unlink(dir.caller(), dir.ino(), name(m.name()));
                yield new Runlinkat(m.tag());
            }
            case Txattrwalk m -> xattrs.walk(s, m);
            case Txattrcreate m -> xattrs.create(s, m);
            case Tlock m -> locks.lock(s, m);
            case Tgetlock m -> locks.getlock(s, m);
            case Rejected m -> new Rlerror(m.tag(), m.errno());
        };
    }

    /** Names from the wire for create/remove/rename: no '/', no NUL, not empty. */
    private static String name(String n) {
        if (n.isEmpty() || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "invalid name");
        }
        return n;
    }

    // ---- session -------------------------------------------------------------------------------------

    private Rmessage version(Session s, Tversion m) {
        releaseAll(s);
        if (!m.version().equals(VERSION)) {
            s.unversioned();
            return new Rversion(m.tag(), s.msize(), UNKNOWN_VERSION);
        }
        if (Integer.compareUnsigned(m.msize(), NinepOptions.MSIZE_MIN) < 0) {
            throw new FsException(Errno.EINVAL, "msize below " + NinepOptions.MSIZE_MIN);
        }
        int msize = Integer.compareUnsigned(m.msize(), options.msizeMax()) > 0 ? options.msizeMax() : m.msize();
        s.negotiated(msize);
        return new Rversion(m.tag(), msize, VERSION);
    }

    /** Clunks every fid and drops every lock of the session (Tversion reset, connection close). */
    void releaseAll(Session s) {
        for (Fid f : s.fids.clear()) {
            try {
                if (f.state() instanceof Opened) fs.release(f.ino());
            } catch (RuntimeException e) {
                log.debug("release of inode {} failed", f.ino(), e);
            }
        }
        locks.releaseAll(s);
    }

    private Rmessage attach(Session s, Tattach m) {
        if (m.afid() != NOFID) throw new FsException(Errno.EBADF, "no authentication fids exist");
        Caller caller = identity.attach(m.uname(), m.nUname());
        long ino = FileSystem.ROOT_INODE;
        Attr attr = fs.getattr(ino);
        for (String part : m.aname().split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new FsException(Errno.EACCES, "aname may not leave the root");
            attr = fs.lookup(caller, ino, part);
            ino = attr.ino();
        }
        if (attr.type() != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, "aname is not a directory");
        s.fids.add(m.fid(), new Fid(ino, ino, 0, "", caller, Fid.UNOPENED));
        return new Rattach(m.tag(), AttrMapping.qid(attr));
    }

    // ---- walk, open, create --------------------------------------------------------------------------

    private Rmessage walk(Session s, Twalk m) {
        Fid from = s.fids.get(m.fid());
        // Walking from an opened fid to a new fid is allowed, as diod and QEMU allow it (Linux clones open
        // fids it finds on an inode); only the opened fid itself may not be walked in place.
        if (m.newfid() == m.fid() && !(from.state() instanceof Unopened)) {
            throw new FsException(Errno.EBADF, "walk in place of an open fid");
        }
        if (from.state() instanceof XattrRead || from.state() instanceof XattrWrite) {
            throw new FsException(Errno.EBADF, "walk from an xattr fid");
        }
        if (m.newfid() != m.fid()) s.fids.checkUnused(m.newfid());
        List<Qid> qids = new ArrayList<>(m.names().size());
        Fid cur = from;
        for (int i = 0; i < m.names().size(); i++) {
            String n = m.names().get(i);
            try {
                if (n.equals("..") && cur.ino() == cur.root()) {
                    qids.add(AttrMapping.qid(fs.getattr(cur.ino())));
                    continue; // the attach root is the client's "/"
                }
                if (n.indexOf('/') >= 0) throw new FsException(Errno.ENOENT, "name contains '/'");
                Attr a = fs.lookup(cur.caller(), cur.ino(), n);
                qids.add(AttrMapping.qid(a));
                cur = cur.at(a.ino(), cur.ino(), n);
            } catch (FsException e) {
                if (i == 0) throw e;
                return new Rwalk(m.tag(), qids); // partial walk: newfid is not created
            }
        }
        Fid walked = new Fid(cur.ino(), from.root(), cur.parent(), cur.name(), from.caller(), Fid.UNOPENED);
        if (m.newfid() == m.fid()) s.fids.replace(m.fid(), from, walked);
        else s.fids.add(m.newfid(), walked);
        return new Rwalk(m.tag(), qids);
    }

    private Rmessage lopen(Session s, Tlopen m) {
        Fid f = s.fids.get(m.fid());
        if (!(f.state() instanceof Unopened)) throw new FsException(Errno.EBADF, "fid already open");
        Attr a = fs.getattr(f.ino());
        checkOpen(f.caller(), a, m.flags());
        if ((m.flags() & O_TRUNC) != 0 && a.type() == FileType.REGULAR) {
            a = fs.setattr(f.caller(), f.ino(), SetAttr.size(0));
        }
        pinOpened(s, m.fid(), f, f, m.flags(), a.type());
        return new Rlopen(m.tag(), AttrMapping.qid(a), iounit(s));
    }

    private void checkOpen(Caller caller, Attr a, int flags) {
        int acc = flags & O_ACCMODE;
        boolean write = acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC) != 0;
        if (a.type() == FileType.DIRECTORY && write) throw new FsException(Errno.EISDIR, "directory opened for write");
        if (a.type() != FileType.DIRECTORY && (flags & O_DIRECTORY) != 0) {
            throw new FsException(Errno.ENOTDIR, "O_DIRECTORY on a non-directory");
        }
        if (a.type() == FileType.SYMLINK) throw new FsException(Errno.ELOOP, "symlinks are not opened");
        if (write && fs.readOnly()) throw new FsException(Errno.EROFS, "read-only volume");
        int mask = (acc == O_WRONLY ? 0 : Access.READ) | (write ? Access.MODIFY : 0);
        if (mask != 0 && fs.access(caller, a.ino(), mask) != mask) throw new FsException(Errno.EACCES, "open");
    }

    /** Pins the inode and moves the fid to Opened; on a lost race the pin is dropped again. */
    private void pinOpened(Session s, int fid, Fid expected, Fid target, int flags, FileType type) {
        fs.open(target.ino());
        try {
            s.fids.replace(fid, expected, target.with(new Opened(flags, type == FileType.DIRECTORY)));
        } catch (FsException e) {
            fs.release(target.ino());
            throw e;
        }
    }

    private int iounit(Session s) {
        return s.msize() - IOHDRSZ;
    }

    private Rmessage lcreate(Session s, Tlcreate m) {
        Fid dir = s.fids.get(m.fid());
        if (!(dir.state() instanceof Unopened)) throw new FsException(Errno.EBADF, "fid already open");
        String n = name(m.name());
        Caller caller = identity.forCreate(dir.caller(), m.gid());
        Attr a;
        try {
            a = fs.create(caller, dir.ino(), n, m.mode() & 07777, true);
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST || (m.flags() & O_EXCL) != 0) throw e;
            a = fs.lookup(dir.caller(), dir.ino(), n); // open the existing file, as open(O_CREAT) does
            checkOpen(dir.caller(), a, m.flags());
            if ((m.flags() & O_TRUNC) != 0 && a.type() == FileType.REGULAR) {
                a = fs.setattr(dir.caller(), a.ino(), SetAttr.size(0));
            }
        }
        pinOpened(s, m.fid(), dir, dir.at(a.ino(), dir.ino(), n), m.flags(), a.type());
        return new Rlcreate(m.tag(), AttrMapping.qid(a), iounit(s));
    }

    private Attr mknod(Session s, Tmknod m) {
        Fid dir = s.fids.get(m.dfid());
        Caller caller = identity.forCreate(dir.caller(), m.gid());
        FileType type = AttrMapping.typeOfMode(m.mode());
        return switch (type) {
            case REGULAR -> fs.create(caller, dir.ino(), name(m.name()), m.mode() & 07777, true);
            case DIRECTORY, SYMLINK -> throw new FsException(Errno.EINVAL, "mknod of a " + type);
            default -> fs.mknod(caller, dir.ino(), name(m.name()), type, m.mode() & 07777,
                    new DeviceNumber(m.major(), m.minor()));
        };
    }

    // ---- data ----------------------------------------------------------------------------------------

    private Rmessage read(Session s, Tread m) {
        Fid f = s.fids.get(m.fid());
        int count = (int) Math.min(Integer.toUnsignedLong(m.count()), s.msize() - RREAD_HEADER_BYTES);
        if (m.offset() < 0) throw new FsException(Errno.EINVAL, "offset beyond 2^63");
        return switch (f.state()) {
            case XattrRead x -> new Rread(m.tag(), XattrOps.slice(x.data(), m.offset(), count));
            case Opened o when o.directory() -> throw new FsException(Errno.EISDIR, "read of a directory");
            case Opened o when o.canRead() -> new Rread(m.tag(), fs.read(f.caller(), f.ino(), m.offset(), count).data());
            default -> throw new FsException(Errno.EBADF, "fid not open for reading");
        };
    }

    private Rmessage write(Session s, Twrite m) {
        Fid f = s.fids.get(m.fid());
        if (m.offset() < 0) throw new FsException(Errno.EINVAL, "offset beyond 2^63");
        switch (f.state()) {
            case XattrWrite x -> x.value().write(m.offset(), m.data());
            case Opened o when o.canWrite() && !o.directory() -> {
                // O_APPEND: at the end as this server sees it (not atomic against another writer's append)
                long offset = (o.flags() & O_APPEND) != 0 ? fs.getattr(f.ino()).size() : m.offset();
                fs.write(f.caller(), f.ino(), offset, m.data());
            }
            default -> throw new FsException(Errno.EBADF, "fid not open for writing");
        }
        return new Rwrite(m.tag(), m.data().length);
    }

    private Rmessage clunk(Session s, Tclunk m) {
        Fid f = s.fids.remove(m.fid());
        switch (f.state()) {
            case Opened o -> fs.release(f.ino());
            case XattrWrite x -> xattrs.commit(f, x);
            default -> {}
        }
        return new Rclunk(m.tag());
    }

    private Rmessage remove(Session s, Tremove m) {
        Fid f = s.fids.remove(m.fid()); // clunked whether or not the remove succeeds
        try {
            if (f.isRoot()) throw new FsException(Errno.EBUSY, "cannot remove the attach root");
            Attr a = fs.getattr(f.ino());
            if (a.type() == FileType.DIRECTORY) fs.rmdir(f.caller(), f.parent(), f.name());
            else fs.unlink(f.caller(), f.parent(), f.name());
        } finally {
            if (f.state() instanceof Opened) fs.release(f.ino());
        }
        return new Rremove(m.tag());
    }

    private Rmessage rename(Session s, Trename m) {
        Fid f = s.fids.get(m.fid());
        Fid dir = s.fids.get(m.dfid());
        if (f.isRoot()) throw new FsException(Errno.EBUSY, "cannot rename the attach root");
        String n = name(m.name());
        fs.rename(f.caller(), f.parent(), f.name(), dir.ino(), n, RenameMode.REPLACE);
        try {
            s.fids.replace(m.fid(), f, f.at(f.ino(), dir.ino(), n));
        } catch (FsException ignored) {
            // the fid changed meanwhile (clunked or reopened): it keeps its own view
        }
        return new Rrename(m.tag());
    }

    // ---- attributes and directories ------------------------------------------------------------------

    private Rmessage statfs(Session s, Tstatfs m) {
        Fid f = s.fids.get(m.fid());
        StatFs st = fs.statfs();
        long bsize = blockSize(st);
        long fsid = fs.volumeId().getMostSignificantBits() ^ fs.volumeId().getLeastSignificantBits();
        return new Rstatfs(m.tag(), V9FS_MAGIC, (int) bsize, st.totalBytes() / bsize, st.freeBytes() / bsize,
                st.availableBytes() / bsize, st.totalInodes(), st.freeInodes(), fsid, st.nameMax());
    }

    private Rmessage setattr(Session s, Tsetattr m) {
        Fid f = s.fids.get(m.fid());
        fs.setattr(f.caller(), f.ino(), AttrMapping.setattr(m));
        return new Rsetattr(m.tag());
    }

    private Rmessage readdir(Session s, Treaddir m) {
        Fid f = s.fids.get(m.fid());
        if (!(f.state() instanceof Opened o)) throw new FsException(Errno.EBADF, "readdir on an unopened fid");
        if (!o.directory()) throw new FsException(Errno.ENOTDIR, "readdir of a non-directory");
        int budget = (int) Math.min(Integer.toUnsignedLong(m.count()), s.msize() - RREADDIR_HEADER_BYTES);
        int batch = Math.max(1, Math.min(READDIR_BATCH_MAX, budget / 24));
        DirPage page = fs.readdir(f.caller(), f.ino(), m.offset(), batch);
        List<Dirent> out = new ArrayList<>(page.entries().size());
        int used = 0;
        for (DirEntry e : page.entries()) {
            Dirent d = new Dirent(direntQid(f, e), e.cookie(), AttrMapping.direntType(e.type()), e.name());
            used += d.wireBytes();
            if (used > budget) break;
            out.add(d);
        }
        if (out.isEmpty() && !page.entries().isEmpty()) {
            throw new FsException(Errno.EINVAL, "readdir count too small for one entry");
        }
        return new Rreaddir(m.tag(), out);
    }

    /** The qid of a listed entry; ".." of the attach root is the root itself, as in walk. */
    private Qid direntQid(Fid dir, DirEntry e) {
        long ino = e.name().equals("..") && dir.ino() == dir.root() ? dir.ino() : e.ino();
        try {
            return AttrMapping.qid(fs.getattr(ino));
        } catch (FsException gone) { // removed since listed: still reported with what the entry says
            return AttrMapping.qid(e.type(), ino, 0);
        }
    }
}
