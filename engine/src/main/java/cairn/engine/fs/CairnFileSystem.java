package cairn.engine.fs;

import cairn.engine.fs.data.FileData;
import cairn.engine.fs.inode.InodeAllocator;
import cairn.engine.fs.inode.InodeLocks;
import cairn.engine.fs.inode.OpenFiles;
import cairn.engine.fs.lock.RangeLocks;
import cairn.engine.fs.perm.Permissions;
import cairn.engine.fs.reclaim.Reclaimer;
import cairn.engine.fs.schema.CursorValue;
import cairn.engine.fs.schema.DirentValue;
import cairn.engine.fs.schema.FormatRecord;
import cairn.engine.fs.schema.FsKeys;
import cairn.engine.fs.schema.InodeRecord;
import cairn.engine.fs.schema.Names;
import cairn.engine.fs.store.Committer;
import cairn.engine.fs.store.MetaStore;
import cairn.engine.fs.store.Txn;
import cairn.engine.lsm.Db;
import cairn.engine.lsm.KeyValue;
import cairn.engine.lsm.Keys;
import cairn.engine.lsm.Snapshot;
import cairn.engine.lsm.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import static cairn.engine.fs.perm.Permissions.R;
import static cairn.engine.fs.perm.Permissions.W;
import static cairn.engine.fs.perm.Permissions.X;

/**
 * The POSIX filesystem over one {@link Db}. Every operation locks the inodes it changes (striped, in a fixed
 * order), stages its whole effect in one {@link Txn} and applies it as one atomic batch, so a crash leaves a
 * prefix of the operation order. Keys and values: {@link FsKeys}; file data: {@link FileData}.
 *
 * <p>Deviations, on purpose: reads do not update atime (noatime); read and write let the owner pass without
 * r/w bits, as NFS servers do for open files; a write that leaves an allocated extent all zeros makes it a hole
 * again (an all-zero extent is a hole), which frees its reservation. Large truncates and removals cost one
 * small batch: the cut-off extents become stale at once and the background reclaimer deletes them.
 *
 * <p>{@link #close()} stops background work and makes a best-effort barrier; the caller still owns the Db.
 */
public final class CairnFileSystem implements FileSystem {
    /** Largest file size and write end offset. */
    public static final long MAX_FILE_BYTES = 1L << 50;
    /** The directory (under the root) whose regular files NBD serves as block devices. */
    public static final String NBD_DIR = ".nbd";
    public static final int XATTR_NAME_MAX = 255;
    public static final int XATTR_VALUE_MAX = 64 * 1024;
    /** Most entries one readdir returns; larger requests get a short page. */
    public static final int READDIR_MAX = 1 << 16;
    /** Longest single read; longer requests return a short read. */
    public static final int READ_MAX = 16 << 20;

    private static final long NOMINAL_TOTAL_BYTES = 1L << 50;
    private static final long NOMINAL_TOTAL_INODES = 1L << 40;
    private static final int STATFS_BLOCK = 4096;
    private static final int RESOLVE_ATTEMPTS = 1000;
    private static final int MAX_DEPTH = 1 << 20;

    private final Db db;
    private final ValueTransform codec;
    private final FsOptions options;
    private final UUID volumeId;
    private final MetaStore store;
    private final FileData data;
    private final Committer committer;
    private final InodeAllocator allocator;
    private final InodeLocks locks = new InodeLocks();
    private final OpenFiles opens = new OpenFiles();
    private final RangeLocks ranges = new RangeLocks();
    private final Reclaimer reclaimer;
    /** Serialises cross-directory renames of directories, so the ancestry the loop check walks is stable. */
    private final ReentrantLock treeLock = new ReentrantLock();

    private CairnFileSystem(Db db, FsOptions options, ValueTransform codec, FormatRecord format) {
        this.db = db;
        this.codec = codec;
        this.options = options;
        this.volumeId = format.volumeId();
        this.store = new MetaStore(db, codec);
        this.data = new FileData(store, format.extentBytes(), options.inlineDeleteExtents());
        this.committer = new Committer(db, codec, options.maxSizeBytes(), options.syncMode());
        this.allocator = new InodeAllocator(db, codec, committer, options.inodeIdBlock());
        this.reclaimer = new Reclaimer(store, data, committer, locks, options.reclaimBatchExtents());
    }

    /**
     * Opens the filesystem stored in {@code db}, formatting an empty writable database first (root inode 1,
     * mode 0755, owned by root; a fresh volume id; {@code /.nbd}). On a writable volume, reclaims orphans left
     * by a crash and resumes background deletes. The caller keeps owning {@code db}.
     */
    public static CairnFileSystem open(Db db, FsOptions options, ValueTransform codec) {
        byte[] formatKey = FsKeys.system(FsKeys.SYS_FORMAT);
        byte[] stored = db.get(formatKey).map(v -> codec.open(formatKey, v)).orElse(null);
        FormatRecord format;
        if (stored == null) {
            if (db.readOnly()) throw new FsException(Errno.EROFS, "volume is not formatted and the database is read-only");
            format = format(db, options, codec);
        } else {
            format = FormatRecord.decode(stored);
        }
        CairnFileSystem fs = new CairnFileSystem(db, options, codec, format);
        if (!db.readOnly()) {
            fs.reclaimOrphans();
            fs.ensureNbdDir();
            fs.committer.barrier(); // the volume as first served (format, /.nbd, orphans gone) is durable
            fs.reclaimer.start();
        }
        return fs;
    }

    private static FormatRecord format(Db db, FsOptions options, ValueTransform codec) {
        FormatRecord format = new FormatRecord(FormatRecord.CURRENT, UUID.randomUUID(), options.extentBytes());
        long now = nowNs();
        InodeRecord root = new InodeRecord(ROOT_INODE, db.epoch(), FileType.DIRECTORY, 0755, 0, 0, 2, 0, 0,
                DeviceNumber.NONE, now, now, now, now, ROOT_INODE, 3, null);
        WriteBatch b = new WriteBatch();
        byte[] formatKey = FsKeys.system(FsKeys.SYS_FORMAT);
        b.put(formatKey, codec.seal(formatKey, format.encode()));
        byte[] rootKey = FsKeys.inode(ROOT_INODE);
        b.put(rootKey, codec.seal(rootKey, root.encode()));
        InodeAllocator.stageInitial(b, codec, ROOT_INODE + 1);
        Committer.stageInitialStats(b, codec, 1);
        db.write(b);
        db.barrier();
        return format;
    }

    private void ensureNbdDir() {
        try {
            lookup(Caller.ROOT, ROOT_INODE, NBD_DIR);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) throw e;
            mkdir(Caller.ROOT, ROOT_INODE, NBD_DIR, 0755);
        }
    }

    private void reclaimOrphans() {
        for (byte[] key : store.scanKeys(FsKeys.kindPrefix(FsKeys.ORPHAN), FsKeys.kindPrefix((byte) (FsKeys.ORPHAN + 1)),
                Integer.MAX_VALUE)) {
            long ino = FsKeys.idAt(key, 1);
            try (var held = locks.lock(ino)) {
                Txn t = new Txn(codec, true);
                t.delete(key);
                InodeRecord n = store.inode(ino);
                if (n != null && n.nlink == 0) destroy(t, n);
                committer.commit(t);
            }
        }
    }

    // ---- volume ---------------------------------------------------------------------------------------

    @Override
    public UUID volumeId() {
        return volumeId;
    }

    @Override
    public long writeVerifier() {
        return db.epoch();
    }

    @Override
    public boolean readOnly() {
        return db.readOnly();
    }

    public FsOptions options() {
        return options;
    }

    /** Waits until background deletes are done (tests, orderly shutdown); false on timeout. */
    public boolean awaitBackgroundIdle(Duration timeout) throws InterruptedException {
        return db.readOnly() || reclaimer.awaitIdle(timeout);
    }

    // ---- handles --------------------------------------------------------------------------------------

    @Override
    public FileHandle handle(long ino) {
        return new FileHandle(volumeId, ino, live(ino).generation);
    }

    @Override
    public long resolve(FileHandle handle) {
        if (!handle.volume().equals(volumeId)) throw new FsException(Errno.ESTALE, "handle of another volume");
        InodeRecord n = store.inode(handle.ino());
        if (n == null || n.generation != handle.generation())
            throw new FsException(Errno.ESTALE, "inode " + handle.ino() + " no longer exists");
        return n.ino;
    }

    // ---- attributes -----------------------------------------------------------------------------------

    @Override
    public Attr getattr(long ino) {
        return live(ino).toAttr();
    }

    @Override
    public Attr setattr(Caller c, long ino, SetAttr change) {
        checkWritable();
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            checkSetattr(c, n, change);
            long now = nowNs();
            Txn t = new Txn(codec, true);
            if (change.mode() != null) {
                int m = change.mode() & 07777;
                if (!c.isRoot() && !c.inGroup(n.gid)) m &= ~Permissions.S_ISGID;
                n.mode = m;
            }
            if (change.uid() != null || change.gid() != null) {
                if (change.uid() != null) n.uid = change.uid();
                if (change.gid() != null) n.gid = change.gid();
                // Linux (since 2.2.13) clears suid/sgid on every chown of a non-directory, root's included.
                if (!n.isDir() && change.mode() == null) n.mode = Permissions.killPrivileges(n.mode);
            }
            if (change.size() != null) {
                if (change.size() != n.size) {
                    if (data.resize(t, n, change.size())) t.onCommit(reclaimer::wake);
                    n.mtimeNs = now;
                }
                if (change.mode() == null) n.mode = Permissions.afterWrite(c, n);
            }
            if (change.atime() != null) n.atimeNs = timeOf(change.atime(), now);
            if (change.mtime() != null) n.mtimeNs = timeOf(change.mtime(), now);
            n.ctimeNs = now;
            t.update(n);
            committer.commit(t);
            return n.toAttr();
        }
    }

    private static void checkSetattr(Caller c, InodeRecord n, SetAttr change) {
        boolean owner = Permissions.isOwnerOrRoot(c, n);
        if (change.mode() != null && !owner) throw new FsException(Errno.EPERM, "chmod by non-owner");
        if (change.uid() != null && !c.isRoot() && change.uid() != n.uid)
            throw new FsException(Errno.EPERM, "only root may change the owner");
        if (change.gid() != null && !c.isRoot()
                && (c.uid() != n.uid || (change.gid() != n.gid && !c.inGroup(change.gid()))))
            throw new FsException(Errno.EPERM, "chgrp needs ownership and membership of the group");
        if (change.size() != null) {
            if (n.isDir()) throw new FsException(Errno.EISDIR, "truncate of a directory");
            if (n.type != FileType.REGULAR) throw new FsException(Errno.EINVAL, "truncate of a " + n.type);
            if (change.size() < 0) throw new FsException(Errno.EINVAL, "negative size");
            if (change.size() > MAX_FILE_BYTES) throw new FsException(Errno.EFBIG, "size above " + MAX_FILE_BYTES);
            Permissions.require(c, n, W);
        }
        for (SetAttr.TimeChange tc : new SetAttr.TimeChange[] {change.atime(), change.mtime()}) {
            if (tc instanceof SetAttr.TimeChange.At && !owner)
                throw new FsException(Errno.EPERM, "only the owner may set explicit times");
            if (tc instanceof SetAttr.TimeChange.Now && !owner && !Permissions.allowed(c, n, W))
                throw new FsException(Errno.EACCES, "setting times to now needs ownership or write permission");
        }
    }

    private static long timeOf(SetAttr.TimeChange tc, long now) {
        return switch (tc) {
            case SetAttr.TimeChange.Now n -> now;
            case SetAttr.TimeChange.At at -> at.nanos();
        };
    }

    @Override
    public int access(Caller c, long ino, int mask) {
        return Permissions.access(c, live(ino), mask);
    }

    // ---- namespace ------------------------------------------------------------------------------------

    @Override
    public Attr lookup(Caller c, long dirIno, String name) {
        InodeRecord d = directory(dirIno);
        Permissions.require(c, d, X);
        if (name.equals(".")) return d.toAttr();
        if (name.equals("..")) return live(d.parent).toAttr();
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        if (nb.length > Names.NAME_MAX) throw new FsException(Errno.ENAMETOOLONG, "name has " + nb.length + " bytes");
        DirentValue e = name.isEmpty() || name.indexOf('/') >= 0 ? null : store.dirent(dirIno, nb);
        InodeRecord n = e == null ? null : store.inode(e.ino());
        if (n == null) throw new FsException(Errno.ENOENT, "no entry '" + name + "' in " + dirIno);
        return n.toAttr();
    }

    @Override
    public Attr create(Caller c, long dir, String name, int mode, boolean exclusive) {
        return createNode(c, dir, name, FileType.REGULAR, mode, DeviceNumber.NONE, null, exclusive);
    }

    @Override
    public Attr mkdir(Caller c, long dir, String name, int mode) {
        return createNode(c, dir, name, FileType.DIRECTORY, mode, DeviceNumber.NONE, null, true);
    }

    @Override
    public Attr mknod(Caller c, long dir, String name, FileType type, int mode, DeviceNumber rdev) {
        switch (type) {
            case REGULAR, FIFO, SOCKET -> rdev = DeviceNumber.NONE;
            case CHAR_DEVICE, BLOCK_DEVICE -> {
                if (!c.isRoot()) throw new FsException(Errno.EPERM, "only root may create device nodes");
            }
            default -> throw new FsException(Errno.EINVAL, "mknod cannot create a " + type);
        }
        return createNode(c, dir, name, type, mode, rdev, null, true);
    }

    @Override
    public Attr symlink(Caller c, long dir, String name, String target) {
        Names.symlinkTarget(target);
        return createNode(c, dir, name, FileType.SYMLINK, 0777, DeviceNumber.NONE, target, true);
    }

    private Attr createNode(Caller c, long dirIno, String name, FileType type, int mode, DeviceNumber rdev,
                            String target, boolean exclusive) {
        checkWritable();
        if (Names.isDot(name)) throw new FsException(Errno.EEXIST, "'" + name + "' exists");
        byte[] nb = Names.entryName(name);
        try (var held = locks.lock(dirIno)) {
            InodeRecord d = linkableDirectory(dirIno);
            Permissions.require(c, d, X);
            DirentValue existing = store.dirent(dirIno, nb);
            if (existing != null) {
                if (type == FileType.REGULAR && !exclusive) {
                    InodeRecord n = live(existing.ino());
                    if (n.type == FileType.REGULAR) return n.toAttr();
                    if (n.isDir()) throw new FsException(Errno.EISDIR, "'" + name + "' is a directory");
                }
                throw new FsException(Errno.EEXIST, "'" + name + "' exists");
            }
            Permissions.require(c, d, W | X);
            boolean isDir = type == FileType.DIRECTORY;
            if (isDir && d.nlink == Integer.MAX_VALUE) throw new FsException(Errno.EMLINK, "too many subdirectories");
            boolean sgidDir = (d.mode & Permissions.S_ISGID) != 0;
            int gid = sgidDir ? d.gid : c.gid();
            int m = mode & 07777;
            if (isDir && sgidDir) m |= Permissions.S_ISGID;
            else if (!isDir && !c.isRoot() && !c.inGroup(gid)) m &= ~Permissions.S_ISGID;
            long now = nowNs();
            long size = target == null ? 0 : target.getBytes(StandardCharsets.UTF_8).length;
            InodeRecord n = new InodeRecord(allocator.allocate(), db.epoch(), type, m, c.uid(), gid, isDir ? 2 : 1,
                    size, 0, rdev, now, now, now, now, isDir ? dirIno : 0, isDir ? 3 : 0, target);
            Txn t = new Txn(codec, true);
            t.update(n);
            t.addInodes(1);
            addEntry(t, d, nb, name, n);
            if (isDir) d.nlink++;
            touchDir(t, d, now);
            committer.commit(t);
            return n.toAttr();
        }
    }

    @Override
    public String readlink(Caller c, long ino) {
        InodeRecord n = live(ino);
        if (n.type != FileType.SYMLINK) throw new FsException(Errno.EINVAL, "inode " + ino + " is not a symlink");
        return n.target;
    }

    @Override
    public Attr link(Caller c, long ino, long dirIno, String name) {
        checkWritable();
        if (Names.isDot(name)) throw new FsException(Errno.EEXIST, "'" + name + "' exists");
        byte[] nb = Names.entryName(name);
        try (var held = locks.lock(ino, dirIno)) {
            InodeRecord n = live(ino);
            if (n.isDir()) throw new FsException(Errno.EPERM, "hard link to a directory");
            if (n.nlink == 0) throw new FsException(Errno.ENOENT, "inode " + ino + " was removed");
            if (n.nlink == Integer.MAX_VALUE) throw new FsException(Errno.EMLINK, "too many links");
            InodeRecord d = linkableDirectory(dirIno);
            Permissions.require(c, d, X);
            if (store.dirent(dirIno, nb) != null) throw new FsException(Errno.EEXIST, "'" + name + "' exists");
            Permissions.require(c, d, W | X);
            long now = nowNs();
            Txn t = new Txn(codec, true);
            n.nlink++;
            n.ctimeNs = now;
            t.update(n);
            addEntry(t, d, nb, name, n);
            touchDir(t, d, now);
            committer.commit(t);
            return n.toAttr();
        }
    }

    @Override
    public void unlink(Caller c, long dirIno, String name) {
        checkWritable();
        if (Names.isDot(name)) throw new FsException(Errno.EISDIR, "cannot unlink '" + name + "'");
        removeName(c, dirIno, name, false);
    }

    @Override
    public void rmdir(Caller c, long dirIno, String name) {
        checkWritable();
        if (name.equals(".")) throw new FsException(Errno.EINVAL, "cannot rmdir '.'");
        if (name.equals("..")) throw new FsException(Errno.ENOTEMPTY, "cannot rmdir '..'");
        removeName(c, dirIno, name, true);
    }

    /** unlink ({@code dir} false) or rmdir ({@code dir} true) of {@code name}, "." and ".." excluded. */
    private void removeName(Caller c, long dirIno, String name, boolean dir) {
        byte[] nb = lookupName(name);
        try (var held = lockStable(() -> new long[] {dirIno, childIno(dirIno, nb)})) {
            InodeRecord d = directory(dirIno);
            Permissions.require(c, d, X);
            DirentValue e = entry(dirIno, nb, name);
            InodeRecord n = inodeOfEntry(e);
            if (dir && !n.isDir()) throw new FsException(Errno.ENOTDIR, "'" + name + "' is not a directory");
            if (!dir && n.isDir()) throw new FsException(Errno.EISDIR, "'" + name + "' is a directory");
            Permissions.requireDelete(c, d, n);
            if (dir && store.hasEntries(n.ino)) throw new FsException(Errno.ENOTEMPTY, "'" + name + "' is not empty");
            long now = nowNs();
            Txn t = new Txn(codec, true);
            removeEntry(t, dirIno, nb, e);
            if (dir) {
                d.nlink--;
                n.nlink = 0;
            } else {
                n.nlink--;
            }
            touchDir(t, d, now);
            lostName(t, n, now);
            committer.commit(t);
        }
    }

    @Override
    public void rename(Caller c, long fromDir, String fromName, long toDir, String toName, RenameMode mode) {
        checkWritable();
        if (Names.isDot(fromName) || Names.isDot(toName)) throw new FsException(Errno.EINVAL, "cannot rename '.' or '..'");
        byte[] fb = Names.entryName(fromName), tb = Names.entryName(toName);
        boolean cross = fromDir != toDir;
        boolean treeLocked = false;
        try {
            for (int attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
                try (var held = lockStable(() -> new long[] {fromDir, toDir, childIno(fromDir, fb), childIno(toDir, tb)})) {
                    boolean movesDir = cross && (isDirEntry(fromDir, fb) || isDirEntry(toDir, tb));
                    if (movesDir && !treeLocked) {
                        // the tree lock ranks before inode locks: drop them, take it, start over
                        held.close();
                        treeLock.lock();
                        treeLocked = true;
                        continue;
                    }
                    new Rename(c, fromDir, fromName, fb, toDir, toName, tb, mode).run();
                    return;
                }
            }
            throw new FsException(Errno.EAGAIN, "rename kept racing with other changes");
        } finally {
            if (treeLocked) treeLock.unlock();
        }
    }

    /** One rename, run with every inode it touches locked. Inodes load once, so aliases share one record. */
    private final class Rename {
        private final Map<Long, InodeRecord> loaded = new HashMap<>();
        private final Caller c;
        private final long fromDir, toDir;
        private final String fromName, toName;
        private final byte[] fb, tb;
        private final RenameMode mode;

        Rename(Caller c, long fromDir, String fromName, byte[] fb, long toDir, String toName, byte[] tb, RenameMode mode) {
            this.c = c;
            this.fromDir = fromDir;
            this.fromName = fromName;
            this.fb = fb;
            this.toDir = toDir;
            this.toName = toName;
            this.tb = tb;
            this.mode = mode;
        }

        private InodeRecord load(long ino) {
            InodeRecord n = loaded.get(ino);
            if (n == null) {
                n = live(ino);
                loaded.put(ino, n);
            }
            return n;
        }

        void run() {
            boolean cross = fromDir != toDir;
            InodeRecord fd = load(fromDir), td = load(toDir);
            if (!fd.isDir() || !td.isDir()) throw new FsException(Errno.ENOTDIR, "rename between non-directories");
            Permissions.require(c, fd, X);
            Permissions.require(c, td, X);
            DirentValue se = entry(fromDir, fb, fromName);
            InodeRecord s = load(se.ino());
            DirentValue te = store.dirent(toDir, tb);
            InodeRecord tg = te == null ? null : load(te.ino());
            if (td.nlink == 0) throw new FsException(Errno.ENOENT, "target directory was removed");
            if (mode == RenameMode.NOREPLACE && te != null) throw new FsException(Errno.EEXIST, "'" + toName + "' exists");
            if (mode == RenameMode.EXCHANGE && te == null) throw new FsException(Errno.ENOENT, "no entry '" + toName + "'");
            // Linux checks the subtree before the same-inode rule and the types of source and target
            if (cross && s.isDir() && isAncestorOrSelf(s.ino, toDir))
                throw new FsException(Errno.EINVAL, "cannot move a directory into its own subtree");
            if (te != null && te.ino() == se.ino()) return; // same inode: POSIX says do nothing
            Permissions.requireDelete(c, fd, s);
            if (tg != null) Permissions.requireDelete(c, td, tg);
            else Permissions.require(c, td, W | X);
            if (cross && s.isDir()) Permissions.require(c, s, W);
            if (mode == RenameMode.EXCHANGE && cross && tg.isDir()) Permissions.require(c, tg, W);
            if (mode == RenameMode.REPLACE && tg != null) {
                if (s.isDir() && !tg.isDir()) throw new FsException(Errno.ENOTDIR, "'" + toName + "' is not a directory");
                if (!s.isDir() && tg.isDir()) throw new FsException(Errno.EISDIR, "'" + toName + "' is a directory");
                if (tg.isDir() && store.hasEntries(tg.ino)) throw new FsException(Errno.ENOTEMPTY, "'" + toName + "' is not empty");
            }
            if (mode == RenameMode.EXCHANGE && cross && tg.isDir() && isAncestorOrSelf(tg.ino, fromDir))
                throw new FsException(Errno.EINVAL, "cannot move a directory into its own subtree");
            if (cross && s.isDir() && (tg == null || !tg.isDir()) && td.nlink == Integer.MAX_VALUE)
                throw new FsException(Errno.EMLINK, "too many subdirectories");

            long now = nowNs();
            Txn t = new Txn(codec, true);
            if (mode == RenameMode.EXCHANGE) exchange(t, fd, td, se, s, te, tg, now);
            else move(t, fd, td, se, s, te, tg, now);
            touchDir(t, fd, now);
            touchDir(t, td, now);
            committer.commit(t);
        }

        private void move(Txn t, InodeRecord fd, InodeRecord td, DirentValue se, InodeRecord s, DirentValue te,
                          InodeRecord tg, long now) {
            removeEntry(t, fromDir, fb, se);
            if (te != null) {
                removeEntry(t, toDir, tb, te);
                if (tg.isDir()) {
                    td.nlink--;
                    tg.nlink = 0;
                } else {
                    tg.nlink--;
                }
                lostName(t, tg, now);
            }
            addEntry(t, td, tb, toName, s);
            if (s.isDir() && fromDir != toDir) {
                s.parent = toDir;
                fd.nlink--;
                td.nlink++;
            }
            s.ctimeNs = now;
            t.update(s);
        }

        private void exchange(Txn t, InodeRecord fd, InodeRecord td, DirentValue se, InodeRecord s, DirentValue te,
                              InodeRecord tg, long now) {
            t.put(FsKeys.dirent(fromDir, fb), new DirentValue(tg.ino, tg.type, se.cookie()).encode());
            t.put(FsKeys.cursor(fromDir, se.cookie()), new CursorValue(tg.ino, tg.type, fromName).encode());
            t.put(FsKeys.dirent(toDir, tb), new DirentValue(s.ino, s.type, te.cookie()).encode());
            t.put(FsKeys.cursor(toDir, te.cookie()), new CursorValue(s.ino, s.type, toName).encode());
            if (fromDir != toDir) {
                if (s.isDir()) {
                    s.parent = toDir;
                    fd.nlink--;
                    td.nlink++;
                }
                if (tg.isDir()) {
                    tg.parent = fromDir;
                    td.nlink--;
                    fd.nlink++;
                }
            }
            s.ctimeNs = now;
            tg.ctimeNs = now;
            t.update(s);
            t.update(tg);
        }
    }

    /** Whether {@code ancestor} is {@code ino} or one of its ancestors. */
    private boolean isAncestorOrSelf(long ancestor, long ino) {
        long cur = ino;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            if (cur == ancestor) return true;
            if (cur == ROOT_INODE) return false;
            cur = live(cur).parent;
        }
        throw new FsException(Errno.ELOOP, "directory ancestry deeper than " + MAX_DEPTH);
    }

    @Override
    public DirPage readdir(Caller c, long dirIno, long cookie, int maxEntries) {
        if (maxEntries < 1) throw new FsException(Errno.EINVAL, "maxEntries < 1");
        InodeRecord d = directory(dirIno);
        Permissions.require(c, d, R);
        List<DirEntry> out = new ArrayList<>();
        if (cookie == 0) out.add(new DirEntry(".", d.ino, FileType.DIRECTORY, 1));
        if (cookie <= 1 && out.size() < maxEntries) out.add(new DirEntry("..", d.parent, FileType.DIRECTORY, 2));
        if (out.size() >= maxEntries) return new DirPage(out, false);
        int want = Math.min(maxEntries, READDIR_MAX) - out.size();
        List<KeyValue> kvs = store.scan(FsKeys.cursor(dirIno, Math.max(cookie, 2) + 1),
                Keys.prefixEnd(FsKeys.cursorPrefix(dirIno)), want + 1);
        for (int i = 0; i < Math.min(want, kvs.size()); i++) {
            CursorValue v = CursorValue.decode(kvs.get(i).value());
            out.add(new DirEntry(v.name(), v.ino(), v.type(), FsKeys.idAt(kvs.get(i).key(), 9)));
        }
        return new DirPage(out, kvs.size() <= want);
    }

    // ---- open files -----------------------------------------------------------------------------------

    @Override
    public void open(long ino) {
        try (var held = locks.lock(ino)) {
            live(ino);
            opens.open(ino);
        }
    }

    @Override
    public void release(long ino) {
        try (var held = locks.lock(ino)) {
            if (opens.release(ino) > 0 || db.readOnly()) return;
            InodeRecord n = store.inode(ino);
            if (n == null || n.nlink > 0) return;
            Txn t = new Txn(codec, true);
            t.delete(FsKeys.orphan(ino));
            destroy(t, n);
            committer.commit(t);
        }
    }

    // ---- data -----------------------------------------------------------------------------------------

    @Override
    public ReadResult read(Caller c, long ino, long offset, int length) {
        if (offset < 0 || length < 0) throw new FsException(Errno.EINVAL, "negative offset or length");
        try (Snapshot snap = db.snapshot()) {
            MetaStore view = new MetaStore(snap, codec);
            InodeRecord n = view.inode(ino);
            if (n == null) throw new FsException(Errno.ESTALE, "inode " + ino + " does not exist");
            requireRegular(n);
            if (c.uid() != n.uid) Permissions.require(c, n, R);
            if (offset >= n.size) return new ReadResult(new byte[0], true);
            int len = (int) Math.min(Math.min(length, READ_MAX), n.size - offset);
            byte[] bytes = data.over(view).read(n, offset, len);
            return new ReadResult(bytes, offset + len >= n.size);
        }
    }

    @Override
    public Attr write(Caller c, long ino, long offset, byte[] bytes) {
        checkWritable();
        checkRange(offset, bytes.length);
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            requireRegular(n);
            if (c.uid() != n.uid) Permissions.require(c, n, W);
            if (bytes.length == 0) return n.toAttr();
            Txn t = new Txn(codec, false);
            data.write(t, n, offset, bytes);
            n.mode = Permissions.afterWrite(c, n);
            n.mtimeNs = n.ctimeNs = nowNs();
            t.update(n);
            committer.commit(t);
            return n.toAttr();
        }
    }

    @Override
    public Attr punchHole(Caller c, long ino, long offset, long length) {
        checkWritable();
        if (offset < 0 || length < 0) throw new FsException(Errno.EINVAL, "negative offset or length");
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            requireRegular(n);
            if (c.uid() != n.uid) Permissions.require(c, n, W);
            Txn t = new Txn(codec, false);
            data.punch(t, n, offset, length);
            n.mtimeNs = n.ctimeNs = nowNs();
            t.update(n);
            committer.commit(t);
            return n.toAttr();
        }
    }

    /** Extents one allocate batch stores at most; a larger allocation commits several batches. */
    private static final int ALLOCATE_BATCH_EXTENTS = 4096;

    /**
     * fallocate mode 0 / FALLOC_FL_KEEP_SIZE: holes in the range become allocated extents that read as zeros
     * and are charged against the quota now (ENOSPC here, not at a later write). Without {@code keepSize} the
     * size grows to the range's end. With {@code keepSize} nothing past the size is reserved (the size bounds
     * every extent). A range of more than {@value #ALLOCATE_BATCH_EXTENTS} extents is checked against the
     * quota first and then stored in several batches (a crash may leave part of it allocated, as on Linux).
     */
    @Override
    public Attr allocate(Caller c, long ino, long offset, long length, boolean keepSize) {
        checkWritable();
        if (length <= 0) throw new FsException(Errno.EINVAL, "allocate length must be positive");
        checkRange(offset, length);
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            requireRegular(n);
            if (c.uid() != n.uid) Permissions.require(c, n, W);
            long e = data.extentBytes();
            long newSize = keepSize ? n.size : Math.max(n.size, offset + length);
            long first = offset / e, end = Math.max(first, (Math.min(offset + length, newSize) + e - 1) / e);
            if (end - first > ALLOCATE_BATCH_EXTENTS) {
                InodeRecord grown = store.inode(ino);
                grown.size = newSize;
                long max = committer.maxSizeBytes();
                if (max > 0 && committer.usedBytes() + data.unallocatedBytes(grown, first, end) > max)
                    throw new FsException(Errno.ENOSPC, "allocating would exceed the quota of " + max + " bytes");
            }
            long now = nowNs();
            Txn t = new Txn(codec, false);
            if (newSize > n.size) {
                data.resize(t, n, newSize);
                n.mtimeNs = now;
            }
            n.ctimeNs = now;
            for (long from = first; ; from += ALLOCATE_BATCH_EXTENTS) {
                data.allocate(t, n, from, Math.min(end, from + ALLOCATE_BATCH_EXTENTS));
                t.update(n);
                committer.commit(t);
                if (from + ALLOCATE_BATCH_EXTENTS >= end) return n.toAttr();
                t = new Txn(codec, false);
            }
        }
    }

    @Override
    public List<Segment> map(long ino, long offset, long length) {
        if (offset < 0 || length < 0) throw new FsException(Errno.EINVAL, "negative offset or length");
        try (Snapshot snap = db.snapshot()) {
            MetaStore view = new MetaStore(snap, codec);
            InodeRecord n = view.inode(ino);
            if (n == null) throw new FsException(Errno.ESTALE, "inode " + ino + " does not exist");
            requireRegular(n);
            return data.over(view).map(n, offset, length);
        }
    }

    // ---- extended attributes ---------------------------------------------------------------------------

    @Override
    public byte[] getxattr(Caller c, long ino, String name) {
        byte[] nb = xattrName(name);
        InodeRecord n = live(ino);
        checkXattr(c, n, name, false);
        return store.get(FsKeys.xattr(ino, nb))
                .orElseThrow(() -> new FsException(Errno.ENODATA, "no xattr '" + name + "'"));
    }

    @Override
    public void setxattr(Caller c, long ino, String name, byte[] value, XattrMode mode) {
        checkWritable();
        byte[] nb = xattrName(name);
        if (value.length > XATTR_VALUE_MAX) throw new FsException(Errno.E2BIG, "xattr value of " + value.length + " bytes");
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            checkXattr(c, n, name, true);
            byte[] key = FsKeys.xattr(ino, nb);
            boolean exists = store.exists(key);
            if (mode == XattrMode.CREATE && exists) throw new FsException(Errno.EEXIST, "xattr '" + name + "' exists");
            if (mode == XattrMode.REPLACE && !exists) throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            Txn t = new Txn(codec, true);
            t.put(key, value);
            n.ctimeNs = nowNs();
            t.update(n);
            committer.commit(t);
        }
    }

    @Override
    public List<String> listxattr(Caller c, long ino) {
        live(ino);
        List<String> out = new ArrayList<>();
        for (byte[] key : store.scanKeys(FsKeys.xattrPrefix(ino), Keys.prefixEnd(FsKeys.xattrPrefix(ino)), Integer.MAX_VALUE)) {
            String name = new String(FsKeys.nameOf(key), StandardCharsets.UTF_8);
            if (c.isRoot() || !name.startsWith("trusted.")) out.add(name);
        }
        return out;
    }

    @Override
    public void removexattr(Caller c, long ino, String name) {
        checkWritable();
        byte[] nb = xattrName(name);
        try (var held = locks.lock(ino)) {
            InodeRecord n = live(ino);
            checkXattr(c, n, name, true);
            byte[] key = FsKeys.xattr(ino, nb);
            if (!store.exists(key)) throw new FsException(Errno.ENODATA, "no xattr '" + name + "'");
            Txn t = new Txn(codec, true);
            t.delete(key);
            n.ctimeNs = nowNs();
            t.update(n);
            committer.commit(t);
        }
    }

    private static byte[] xattrName(String name) {
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        if (nb.length == 0 || nb.length > XATTR_NAME_MAX)
            throw new FsException(Errno.ERANGE, "xattr name of " + nb.length + " bytes");
        if (!(name.startsWith("user.") || name.startsWith("trusted.") || name.startsWith("security.")
                || name.startsWith("system.")))
            throw new FsException(Errno.EOPNOTSUPP, "unsupported xattr namespace in '" + name + "'");
        return nb;
    }

    /** Linux rules: trusted.* is root's; user.* only on files and directories, with r/w permission. */
    private static void checkXattr(Caller c, InodeRecord n, String name, boolean write) {
        if (name.startsWith("trusted.")) {
            if (!c.isRoot()) throw new FsException(Errno.EPERM, "trusted.* xattrs need root");
        } else if (name.startsWith("user.")) {
            if (n.type != FileType.REGULAR && !n.isDir())
                throw new FsException(write ? Errno.EPERM : Errno.ENODATA, "user.* xattrs only on files and directories");
            if (write && n.isDir() && (n.mode & Permissions.S_ISVTX) != 0 && !Permissions.isOwnerOrRoot(c, n))
                throw new FsException(Errno.EPERM, "user.* xattr on a sticky directory needs ownership");
            Permissions.require(c, n, write ? W : R);
        } else if (write && !Permissions.isOwnerOrRoot(c, n)) {
            throw new FsException(Errno.EPERM, "only the owner may set " + name);
        }
    }

    // ---- locks ----------------------------------------------------------------------------------------

    @Override
    public boolean lock(long ino, LockRequest request) {
        live(ino);
        return ranges.lock(ino, request);
    }

    @Override
    public LockRequest testLock(long ino, LockRequest probe) {
        live(ino);
        return ranges.test(ino, probe);
    }

    @Override
    public void releaseLocks(LockOwner owner) {
        ranges.releaseAll(owner);
    }

    // ---- durability and space -------------------------------------------------------------------------

    @Override
    public void fsync(long ino) {
        live(ino);
        if (!db.readOnly()) committer.barrier();
    }

    @Override
    public void syncfs() {
        if (!db.readOnly()) committer.barrier();
    }

    @Override
    public StatFs statfs() {
        long total = options.maxSizeBytes() > 0 ? options.maxSizeBytes() : NOMINAL_TOTAL_BYTES;
        long free = Math.max(0, total - committer.usedBytes());
        long freeInodes = Math.max(0, NOMINAL_TOTAL_INODES - committer.usedInodes());
        return new StatFs(total, free, free, NOMINAL_TOTAL_INODES, freeInodes, STATFS_BLOCK, Names.NAME_MAX);
    }

    /** Used bytes and inodes as accounted (the same numbers statfs derives from). */
    public long usedBytes() {
        return committer.usedBytes();
    }

    public long usedInodes() {
        return committer.usedInodes();
    }

    @Override
    public void close() {
        reclaimer.close();
        if (!db.readOnly()) {
            try {
                db.barrier();
            } catch (RuntimeException e) {
                // best effort: what is not durable was never acknowledged by a barrier
            }
        }
    }

    // ---- shared steps ---------------------------------------------------------------------------------

    private void addEntry(Txn t, InodeRecord d, byte[] nb, String name, InodeRecord child) {
        long cookie = d.nextCookie++;
        t.put(FsKeys.dirent(d.ino, nb), new DirentValue(child.ino, child.type, cookie).encode());
        t.put(FsKeys.cursor(d.ino, cookie), new CursorValue(child.ino, child.type, name).encode());
        t.update(d);
    }

    private static void removeEntry(Txn t, long dir, byte[] nb, DirentValue e) {
        t.delete(FsKeys.dirent(dir, nb));
        t.delete(FsKeys.cursor(dir, e.cookie()));
    }

    private static void touchDir(Txn t, InodeRecord d, long now) {
        d.mtimeNs = d.ctimeNs = now;
        t.update(d);
    }

    /** {@code n} lost a name (nlink already lowered): stamps ctime; after its last name, {@link #dropLastLink}. */
    private void lostName(Txn t, InodeRecord n, long now) {
        n.ctimeNs = now;
        if (n.nlink == 0) dropLastLink(t, n);
        else t.update(n);
    }

    /** The last name of {@code n} is gone: an open inode becomes an orphan, anything else is destroyed. */
    private void dropLastLink(Txn t, InodeRecord n) {
        if (opens.isOpen(n.ino)) {
            t.update(n);
            t.put(FsKeys.orphan(n.ino), new byte[0]);
        } else {
            destroy(t, n);
        }
    }

    /** Deletes the inode, its xattrs and its data (inline when small, else via a tombstone). */
    private void destroy(Txn t, InodeRecord n) {
        t.deleteInode(n.ino);
        t.addInodes(-1);
        for (byte[] key : store.scanKeys(FsKeys.xattrPrefix(n.ino), Keys.prefixEnd(FsKeys.xattrPrefix(n.ino)), Integer.MAX_VALUE))
            t.delete(key);
        if (n.usedBytes > (long) options.inlineDeleteExtents() * data.extentBytes() || !data.stale(n.ino).isEmpty()) {
            data.discardAll(t, n);
            t.onCommit(reclaimer::wake);
        } else if (n.usedBytes > 0) {
            data.dropAll(t, n);
        }
        long ino = n.ino;
        t.onCommit(() -> ranges.forget(ino));
    }

    /** Locks the inodes {@code inos} names, retrying until they are the same before and after locking. */
    private InodeLocks.Held lockStable(Supplier<long[]> inos) {
        for (int attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
            long[] want = inos.get();
            InodeLocks.Held held = locks.lock(want);
            if (Arrays.equals(want, inos.get())) return held;
            held.close();
        }
        throw new FsException(Errno.EAGAIN, "directory kept changing while locking");
    }

    private long childIno(long dir, byte[] nb) {
        DirentValue e = store.dirent(dir, nb);
        return e == null ? 0 : e.ino();
    }

    private boolean isDirEntry(long dir, byte[] nb) {
        DirentValue e = store.dirent(dir, nb);
        return e != null && e.type() == FileType.DIRECTORY;
    }

    private DirentValue entry(long dir, byte[] nb, String name) {
        DirentValue e = store.dirent(dir, nb);
        if (e == null) throw new FsException(Errno.ENOENT, "no entry '" + name + "' in " + dir);
        return e;
    }

    private InodeRecord inodeOfEntry(DirentValue e) {
        InodeRecord n = store.inode(e.ino());
        if (n == null) throw new IllegalStateException("directory entry points at missing inode " + e.ino());
        return n;
    }

    private static byte[] lookupName(String name) {
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        if (nb.length > Names.NAME_MAX) throw new FsException(Errno.ENAMETOOLONG, "name has " + nb.length + " bytes");
        if (nb.length == 0 || name.indexOf('/') >= 0) throw new FsException(Errno.ENOENT, "no entry '" + name + "'");
        return nb;
    }

    private InodeRecord live(long ino) {
        InodeRecord n = store.inode(ino);
        if (n == null) throw new FsException(Errno.ESTALE, "inode " + ino + " does not exist");
        return n;
    }

    private InodeRecord directory(long ino) {
        InodeRecord n = live(ino);
        if (!n.isDir()) throw new FsException(Errno.ENOTDIR, "inode " + ino + " is not a directory");
        return n;
    }

    /** A directory that may gain entries (not removed while open). */
    private InodeRecord linkableDirectory(long ino) {
        InodeRecord d = directory(ino);
        if (d.nlink == 0) throw new FsException(Errno.ENOENT, "directory " + ino + " was removed");
        return d;
    }

    private static void requireRegular(InodeRecord n) {
        if (n.isDir()) throw new FsException(Errno.EISDIR, "inode " + n.ino + " is a directory");
        if (n.type != FileType.REGULAR) throw new FsException(Errno.EINVAL, "inode " + n.ino + " is a " + n.type);
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0) throw new FsException(Errno.EINVAL, "negative offset");
        if (offset > MAX_FILE_BYTES - length) throw new FsException(Errno.EFBIG, "end beyond " + MAX_FILE_BYTES);
    }

    private void checkWritable() {
        if (db.readOnly()) throw new FsException(Errno.EROFS, "read-only volume");
    }

    private static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
