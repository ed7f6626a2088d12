package cairn.protocols.nfs;

import cairn.engine.fs.Access;
import cairn.engine.fs.Attr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.DirEntry;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileHandle;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.LockOwner;
import cairn.engine.fs.LockRequest;
import cairn.engine.fs.ReadResult;
import cairn.engine.fs.RenameMode;
import cairn.engine.fs.Segment;
import cairn.engine.fs.SetAttr;
import cairn.engine.fs.StatFs;
import cairn.engine.fs.XattrMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEMPORARY test-only in-memory filesystem, used only until the real CairnFileSystem is on main; then the NFS
 * tests switch to it and this class is deleted. One lock, simple owner/group/other permission checks.
 */
final class FakeFileSystem implements FileSystem {
    private static final long SIZE_MAX = 64 << 20;
    private final UUID volume = UUID.randomUUID();
    private final Map<Long, Node> nodes = new HashMap<>();
    private long nextIno = 2;
    private long nextCookie = 3;
    volatile long verifier = 1;
    final AtomicInteger fsyncs = new AtomicInteger();

    private static final class Node {
        long ino, generation = 7;
        FileType type;
        int mode, uid, gid, nlink = 1;
        long parent, atime, mtime, ctime;
        byte[] data = new byte[0];
        String target;
        DeviceNumber rdev = DeviceNumber.NONE;
        final TreeMap<String, long[]> entries = new TreeMap<>(); // name -> {ino, cookie}
    }

    FakeFileSystem() {
        Node root = new Node();
        root.ino = ROOT_INODE;
        root.type = FileType.DIRECTORY;
        root.mode = 0777;
        root.parent = ROOT_INODE;
        root.nlink = 2;
        touch(root);
        nodes.put(ROOT_INODE, root);
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static void touch(Node n) {
        n.atime = n.mtime = n.ctime = now();
    }

    private Node node(long ino) {
        Node n = nodes.get(ino);
        if (n == null) throw new FsException(Errno.ESTALE, "no inode " + ino);
        return n;
    }

    private Node dir(long ino) {
        Node n = node(ino);
        if (n.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, "not a directory");
        return n;
    }

    private static void check(Caller c, Node n, int bits) {
        if (c.isRoot()) return;
        int m = c.uid() == n.uid ? n.mode >> 6 : c.inGroup(n.gid) ? n.mode >> 3 : n.mode;
        if ((m & bits) != bits) throw new FsException(Errno.EACCES, "permission denied");
    }

    private Attr attr(Node n) {
        long used = n.data.length;
        return new Attr(n.ino, n.generation, n.type, n.mode, n.nlink, n.uid, n.gid,
                n.type == FileType.SYMLINK ? n.target.length() : n.data.length, used, n.rdev, n.atime, n.mtime, n.ctime, 0);
    }

    @Override public UUID volumeId() { return volume; }
    @Override public long writeVerifier() { return verifier; }
    @Override public boolean readOnly() { return false; }

    @Override public synchronized FileHandle handle(long ino) {
        return new FileHandle(volume, ino, node(ino).generation);
    }

    @Override public synchronized long resolve(FileHandle h) {
        Node n = nodes.get(h.ino());
        if (!h.volume().equals(volume) || n == null || n.generation != h.generation()) {
            throw new FsException(Errno.ESTALE, "stale");
        }
        return h.ino();
    }

    @Override public synchronized Attr getattr(long ino) { return attr(node(ino)); }

    @Override public synchronized Attr setattr(Caller c, long ino, SetAttr s) {
        Node n = node(ino);
        if ((s.mode() != null || s.uid() != null || s.gid() != null) && !c.isRoot() && c.uid() != n.uid) {
            throw new FsException(Errno.EPERM, "not owner");
        }
        if (s.size() != null) {
            check(c, n, 2);
            if (s.size() < 0 || s.size() > SIZE_MAX) throw new FsException(Errno.EFBIG, "too big for the fake");
            if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "dir");
            n.data = Arrays.copyOf(n.data, Math.toIntExact(s.size()));
            n.mtime = now();
        }
        if (s.mode() != null) n.mode = s.mode();
        if (s.uid() != null) n.uid = s.uid();
        if (s.gid() != null) n.gid = s.gid();
        if (s.atime() != null) n.atime = s.atime() instanceof SetAttr.TimeChange.At at ? at.nanos() : now();
        if (s.mtime() != null) n.mtime = s.mtime() instanceof SetAttr.TimeChange.At at ? at.nanos() : now();
        n.ctime = now();
        return attr(n);
    }

    @Override public synchronized int access(Caller c, long ino, int mask) {
        Node n = node(ino);
        if (c.isRoot()) return mask;
        int m = c.uid() == n.uid ? n.mode >> 6 : c.inGroup(n.gid) ? n.mode >> 3 : n.mode;
        int granted = 0;
        if ((m & 4) != 0) granted |= Access.READ;
        if ((m & 2) != 0) granted |= Access.MODIFY | Access.EXTEND | Access.DELETE;
        if ((m & 1) != 0) granted |= Access.EXECUTE | Access.LOOKUP;
        return granted & mask;
    }

    @Override public synchronized Attr lookup(Caller c, long dirIno, String name) {
        Node d = dir(dirIno);
        check(c, d, 1);
        if (name.equals(".")) return attr(d);
        if (name.equals("..")) return attr(node(d.parent));
        long[] e = d.entries.get(name);
        if (e == null) throw new FsException(Errno.ENOENT, name);
        return attr(node(e[0]));
    }

    private Node add(Caller c, long dirIno, String name, FileType type, int mode) {
        Node d = dir(dirIno);
        check(c, d, 3);
        if (d.entries.containsKey(name) || name.equals(".") || name.equals("..")) throw new FsException(Errno.EEXIST, name);
        Node n = new Node();
        n.ino = nextIno++;
        n.type = type;
        n.mode = mode & 07777;
        n.uid = c.uid();
        n.gid = c.gid();
        n.parent = dirIno;
        touch(n);
        nodes.put(n.ino, n);
        d.entries.put(name, new long[] {n.ino, nextCookie++});
        d.mtime = d.ctime = now();
        return n;
    }

    @Override public synchronized Attr create(Caller c, long dir, String name, int mode, boolean exclusive) {
        long[] e = dir(dir).entries.get(name);
        if (e != null && !exclusive && node(e[0]).type == FileType.REGULAR) return attr(node(e[0]));
        return attr(add(c, dir, name, FileType.REGULAR, mode));
    }

    @Override public synchronized Attr mkdir(Caller c, long dir, String name, int mode) {
        Node n = add(c, dir, name, FileType.DIRECTORY, mode);
        n.nlink = 2;
        return attr(n);
    }

    @Override public synchronized Attr mknod(Caller c, long dir, String name, FileType type, int mode, DeviceNumber rdev) {
        Node n = add(c, dir, name, type, mode);
        n.rdev = rdev;
        return attr(n);
    }

    @Override public synchronized Attr symlink(Caller c, long dir, String name, String target) {
        Node n = add(c, dir, name, FileType.SYMLINK, 0777);
        n.target = target;
        return attr(n);
    }

    @Override public synchronized String readlink(Caller c, long ino) {
        Node n = node(ino);
        if (n.type != FileType.SYMLINK) throw new FsException(Errno.EINVAL, "not a symlink");
        return n.target;
    }

    @Override public synchronized Attr link(Caller c, long ino, long dirIno, String name) {
        Node n = node(ino);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EPERM, "dir");
        Node d = dir(dirIno);
        check(c, d, 3);
        if (d.entries.containsKey(name)) throw new FsException(Errno.EEXIST, name);
        d.entries.put(name, new long[] {ino, nextCookie++});
        n.nlink++;
        n.ctime = now();
        return attr(n);
    }

    @Override public synchronized void unlink(Caller c, long dirIno, String name) {
        Node d = dir(dirIno);
        check(c, d, 3);
        long[] e = d.entries.get(name);
        if (e == null) throw new FsException(Errno.ENOENT, name);
        Node n = node(e[0]);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, name);
        d.entries.remove(name);
        if (--n.nlink == 0) nodes.remove(n.ino);
        d.mtime = d.ctime = now();
    }

    @Override public synchronized void rmdir(Caller c, long dirIno, String name) {
        Node d = dir(dirIno);
        check(c, d, 3);
        long[] e = d.entries.get(name);
        if (e == null) throw new FsException(Errno.ENOENT, name);
        Node n = node(e[0]);
        if (n.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, name);
        if (!n.entries.isEmpty()) throw new FsException(Errno.ENOTEMPTY, name);
        d.entries.remove(name);
        nodes.remove(n.ino);
        d.mtime = d.ctime = now();
    }

    @Override public synchronized void rename(Caller c, long fromDir, String fromName, long toDir, String toName,
                                              RenameMode mode) {
        Node f = dir(fromDir), t = dir(toDir);
        check(c, f, 3);
        check(c, t, 3);
        long[] e = f.entries.get(fromName);
        if (e == null) throw new FsException(Errno.ENOENT, fromName);
        long[] existing = t.entries.get(toName);
        if (existing != null) {
            Node victim = node(existing[0]);
            if (victim.type == FileType.DIRECTORY && !victim.entries.isEmpty()) throw new FsException(Errno.ENOTEMPTY, toName);
            if (--victim.nlink == 0 || victim.type == FileType.DIRECTORY) nodes.remove(victim.ino);
        }
        f.entries.remove(fromName);
        t.entries.put(toName, new long[] {e[0], nextCookie++});
        node(e[0]).parent = toDir;
    }

    @Override public synchronized DirPage readdir(Caller c, long dirIno, long cookie, int maxEntries) {
        Node d = dir(dirIno);
        check(c, d, 4);
        var all = new ArrayList<DirEntry>();
        all.add(new DirEntry(".", d.ino, FileType.DIRECTORY, 1));
        all.add(new DirEntry("..", d.parent, FileType.DIRECTORY, 2));
        var rest = new ArrayList<DirEntry>();
        d.entries.forEach((name, e) -> rest.add(new DirEntry(name, e[0], node(e[0]).type, e[1])));
        rest.sort((a, b) -> Long.compare(a.cookie(), b.cookie()));
        all.addAll(rest);
        var page = new ArrayList<DirEntry>();
        int i = 0;
        while (i < all.size() && all.get(i).cookie() <= cookie) i++;
        for (; i < all.size() && page.size() < maxEntries; i++) page.add(all.get(i));
        return new DirPage(page, i == all.size());
    }

    @Override public void open(long ino) { }
    @Override public void release(long ino) { }

    @Override public synchronized ReadResult read(Caller c, long ino, long offset, int length) {
        Node n = node(ino);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "dir");
        check(c, n, 4);
        int from = (int) Math.min(offset, n.data.length);
        int to = (int) Math.min((long) from + length, n.data.length);
        return new ReadResult(Arrays.copyOfRange(n.data, from, to), to == n.data.length);
    }

    @Override public synchronized Attr write(Caller c, long ino, long offset, byte[] data) {
        Node n = node(ino);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "dir");
        check(c, n, 2);
        if (offset + data.length > SIZE_MAX) throw new FsException(Errno.EFBIG, "too big for the fake");
        int end = (int) (offset + data.length);
        if (end > n.data.length) n.data = Arrays.copyOf(n.data, end);
        System.arraycopy(data, 0, n.data, (int) offset, data.length);
        n.mtime = n.ctime = now();
        return attr(n);
    }

    @Override public Attr punchHole(Caller c, long ino, long offset, long length) { throw unsupported(); }
    @Override public Attr allocate(Caller c, long ino, long offset, long length, boolean keepSize) { throw unsupported(); }
    @Override public List<Segment> map(long ino, long offset, long length) { throw unsupported(); }
    @Override public byte[] getxattr(Caller c, long ino, String name) { throw unsupported(); }
    @Override public void setxattr(Caller c, long ino, String name, byte[] value, XattrMode mode) { throw unsupported(); }
    @Override public List<String> listxattr(Caller c, long ino) { throw unsupported(); }
    @Override public void removexattr(Caller c, long ino, String name) { throw unsupported(); }
    @Override public boolean lock(long ino, LockRequest request) { throw unsupported(); }
    @Override public LockRequest testLock(long ino, LockRequest probe) { throw unsupported(); }
    @Override public void releaseLocks(LockOwner owner) { throw unsupported(); }

    @Override public void fsync(long ino) { fsyncs.incrementAndGet(); }
    @Override public void syncfs() { fsyncs.incrementAndGet(); }

    @Override public StatFs statfs() {
        return new StatFs(1L << 40, 1L << 39, 1L << 39, 1L << 30, 1L << 29, 4096, 255);
    }

    @Override public void close() { }

    private static FsException unsupported() {
        return new FsException(Errno.EOPNOTSUPP, "not in the fake");
    }
}
