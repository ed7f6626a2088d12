package cairn.protocols.ninep;

import cairn.engine.fs.*;
import java.util.*;

/**
 * Test-only in-memory {@link FileSystem}, until the real CairnFileSystem is on main (then this goes). One lock,
 * POSIX permission bits for the owner/group/other classes, stable readdir cookies, xattrs, simple locks.
 */
final class FakeFileSystem implements FileSystem {
    private static final class Node {
        final long ino;
        final FileType type;
        int mode, uid, gid, nlink = 1;
        long parent;
        byte[] data = new byte[0];
        String target;
        DeviceNumber rdev = DeviceNumber.NONE;
        long atime, mtime, ctime, btime;
        final TreeMap<String, Long> names = new TreeMap<>();
        final TreeMap<Long, String> byCookie = new TreeMap<>();
        final Map<String, Long> cookies = new HashMap<>();
        long nextCookie = 3;
        final TreeMap<String, byte[]> xattrs = new TreeMap<>();
        int opens;

        Node(long ino, FileType type, int mode, int uid, int gid) {
            this.ino = ino;
            this.type = type;
            this.mode = mode;
            this.uid = uid;
            this.gid = gid;
            atime = mtime = ctime = btime = System.currentTimeMillis() * 1_000_000L;
        }
    }

    private final Map<Long, Node> nodes = new HashMap<>();
    private final List<Map.Entry<Long, LockRequest>> locks = new ArrayList<>();
    private final UUID volume = UUID.randomUUID();
    private long nextIno = 2;
    boolean readOnly;
    final List<Long> fsyncs = Collections.synchronizedList(new ArrayList<>());

    FakeFileSystem() {
        Node root = new Node(ROOT_INODE, FileType.DIRECTORY, 0777, 0, 0);
        root.nlink = 2;
        root.parent = ROOT_INODE;
        nodes.put(ROOT_INODE, root);
    }

    private static FsException err(Errno e) {
        return new FsException(e, e.name());
    }

    private Node node(long ino) {
        Node n = nodes.get(ino);
        if (n == null) throw err(Errno.ESTALE);
        return n;
    }

    private Node dir(long ino) {
        Node n = node(ino);
        if (n.type != FileType.DIRECTORY) throw err(Errno.ENOTDIR);
        return n;
    }

    private static boolean allowed(Caller c, Node n, int bits) {
        if (c.isRoot()) return true;
        int m = c.uid() == n.uid ? n.mode >> 6 : c.inGroup(n.gid) ? n.mode >> 3 : n.mode;
        return (m & bits) == bits;
    }

    private static void check(Caller c, Node n, int bits) {
        if (!allowed(c, n, bits)) throw err(Errno.EACCES);
    }

    private void mutating() {
        if (readOnly) throw err(Errno.EROFS);
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private Attr attr(Node n) {
        long size = n.type == FileType.SYMLINK ? n.target.length() : n.type == FileType.DIRECTORY ? 4096 : n.data.length;
        return new Attr(n.ino, 1, n.type, n.mode, n.nlink, n.uid, n.gid, size, n.data.length, n.rdev, n.atime,
                n.mtime, n.ctime, n.btime);
    }

    @Override public UUID volumeId() { return volume; }
    @Override public long writeVerifier() { return 1; }
    @Override public boolean readOnly() { return readOnly; }
    @Override public synchronized FileHandle handle(long ino) { node(ino); return new FileHandle(volume, ino, 1); }
    @Override public synchronized long resolve(FileHandle h) { node(h.ino()); return h.ino(); }
    @Override public synchronized Attr getattr(long ino) { return attr(node(ino)); }

    @Override
    public synchronized Attr setattr(Caller c, long ino, SetAttr ch) {
        mutating();
        Node n = node(ino);
        boolean owner = c.isRoot() || c.uid() == n.uid;
        if (ch.mode() != null) {
            if (!owner) throw err(Errno.EPERM);
            n.mode = ch.mode();
        }
        if (ch.uid() != null || ch.gid() != null) {
            if (!c.isRoot() && (ch.uid() != null && ch.uid() != n.uid || !owner)) throw err(Errno.EPERM);
            if (ch.uid() != null) n.uid = ch.uid();
            if (ch.gid() != null) n.gid = ch.gid();
        }
        if (ch.size() != null) {
            if (n.type == FileType.DIRECTORY) throw err(Errno.EISDIR);
            check(c, n, 2);
            n.data = Arrays.copyOf(n.data, (int) (long) ch.size());
            n.mtime = now();
        }
        if (ch.atime() != null) n.atime = ch.atime() instanceof SetAttr.TimeChange.At at ? at.nanos() : now();
        if (ch.mtime() != null) n.mtime = ch.mtime() instanceof SetAttr.TimeChange.At at ? at.nanos() : now();
        n.ctime = now();
        return attr(n);
    }

    @Override
    public synchronized int access(Caller c, long ino, int mask) {
        Node n = node(ino);
        int r = 0;
        if ((mask & Access.READ) != 0 && allowed(c, n, 4)) r |= Access.READ;
        if ((mask & (Access.MODIFY | Access.EXTEND)) != 0 && allowed(c, n, 2)) r |= mask & (Access.MODIFY | Access.EXTEND);
        if ((mask & (Access.EXECUTE | Access.LOOKUP)) != 0 && allowed(c, n, 1)) r |= mask & (Access.EXECUTE | Access.LOOKUP);
        return r;
    }

    @Override
    public synchronized Attr lookup(Caller c, long dirIno, String name) {
        Node d = dir(dirIno);
        check(c, d, 1);
        if (name.equals(".")) return attr(d);
        if (name.equals("..")) return attr(node(d.parent));
        Long ino = d.names.get(name);
        if (ino == null) throw err(Errno.ENOENT);
        return attr(node(ino));
    }

    private Node add(Caller c, long dirIno, String name, FileType type, int mode) {
        mutating();
        Node d = dir(dirIno);
        check(c, d, 3);
        if (d.names.containsKey(name) || name.equals(".") || name.equals("..")) throw err(Errno.EEXIST);
        Node n = new Node(nextIno++, type, mode, c.uid(), c.gid());
        n.parent = dirIno;
        nodes.put(n.ino, n);
        link(d, name, n.ino);
        return n;
    }

    private void link(Node d, String name, long ino) {
        d.names.put(name, ino);
        long cookie = d.nextCookie++;
        d.cookies.put(name, cookie);
        d.byCookie.put(cookie, name);
        d.mtime = d.ctime = now();
    }

    private void unlinkName(Node d, String name) {
        d.names.remove(name);
        d.byCookie.remove(d.cookies.remove(name));
        d.mtime = d.ctime = now();
    }

    @Override
    public synchronized Attr create(Caller c, long dir, String name, int mode, boolean exclusive) {
        Long existing = dir(dir).names.get(name);
        if (existing != null) {
            if (exclusive) throw err(Errno.EEXIST);
            return attr(node(existing));
        }
        return attr(add(c, dir, name, FileType.REGULAR, mode));
    }

    @Override
    public synchronized Attr mkdir(Caller c, long dir, String name, int mode) {
        Node n = add(c, dir, name, FileType.DIRECTORY, mode);
        n.nlink = 2;
        return attr(n);
    }

    @Override
    public synchronized Attr mknod(Caller c, long dir, String name, FileType type, int mode, DeviceNumber rdev) {
        Node n = add(c, dir, name, type, mode);
        n.rdev = rdev;
        return attr(n);
    }

    @Override
    public synchronized Attr symlink(Caller c, long dir, String name, String target) {
        Node n = add(c, dir, name, FileType.SYMLINK, 0777);
        n.target = target;
        return attr(n);
    }

    @Override
    public synchronized String readlink(Caller c, long ino) {
        Node n = node(ino);
        if (n.type != FileType.SYMLINK) throw err(Errno.EINVAL);
        return n.target;
    }

    @Override
    public synchronized Attr link(Caller c, long ino, long dir, String name) {
        mutating();
        Node n = node(ino);
        if (n.type == FileType.DIRECTORY) throw err(Errno.EPERM);
        Node d = dir(dir);
        check(c, d, 3);
        if (d.names.containsKey(name)) throw err(Errno.EEXIST);
        link(d, name, ino);
        n.nlink++;
        return attr(n);
    }

    @Override
    public synchronized void unlink(Caller c, long dir, String name) {
        mutating();
        Node d = dir(dir);
        check(c, d, 3);
        Long ino = d.names.get(name);
        if (ino == null) throw err(Errno.ENOENT);
        Node n = node(ino);
        if (n.type == FileType.DIRECTORY) throw err(Errno.EISDIR);
        unlinkName(d, name);
        if (--n.nlink == 0 && n.opens == 0) nodes.remove(ino);
    }

    @Override
    public synchronized void rmdir(Caller c, long dir, String name) {
        mutating();
        Node d = dir(dir);
        check(c, d, 3);
        Long ino = d.names.get(name);
        if (ino == null) throw err(Errno.ENOENT);
        Node n = node(ino);
        if (n.type != FileType.DIRECTORY) throw err(Errno.ENOTDIR);
        if (!n.names.isEmpty()) throw err(Errno.ENOTEMPTY);
        unlinkName(d, name);
        nodes.remove(ino);
    }

    @Override
    public synchronized void rename(Caller c, long fromDir, String fromName, long toDir, String toName, RenameMode mode) {
        mutating();
        Node from = dir(fromDir), to = dir(toDir);
        check(c, from, 3);
        check(c, to, 3);
        Long ino = from.names.get(fromName);
        if (ino == null) throw err(Errno.ENOENT);
        Long existing = to.names.get(toName);
        if (existing != null) {
            if (existing.equals(ino)) return;
            Node e = node(existing);
            if (e.type == FileType.DIRECTORY && !e.names.isEmpty()) throw err(Errno.ENOTEMPTY);
            unlinkName(to, toName);
            if (--e.nlink == 0 && e.opens == 0) nodes.remove(existing);
        }
        unlinkName(from, fromName);
        link(to, toName, ino);
        node(ino).parent = toDir;
    }

    @Override
    public synchronized DirPage readdir(Caller c, long dirIno, long cookie, int max) {
        Node d = dir(dirIno);
        check(c, d, 4);
        List<DirEntry> out = new ArrayList<>();
        if (cookie < 1 && out.size() < max) out.add(new DirEntry(".", d.ino, FileType.DIRECTORY, 1));
        if (cookie < 2 && out.size() < max) out.add(new DirEntry("..", d.parent, FileType.DIRECTORY, 2));
        var tail = d.byCookie.tailMap(cookie, false);
        for (var e : tail.entrySet()) {
            if (out.size() >= max) return new DirPage(out, false);
            Node n = node(d.names.get(e.getValue()));
            out.add(new DirEntry(e.getValue(), n.ino, n.type, e.getKey()));
        }
        return new DirPage(out, true);
    }

    @Override public synchronized void open(long ino) { node(ino).opens++; }

    @Override
    public synchronized void release(long ino) {
        Node n = node(ino);
        if (--n.opens == 0 && n.nlink == 0) nodes.remove(ino);
    }

    synchronized int opens(long ino) {
        Node n = nodes.get(ino);
        return n == null ? 0 : n.opens;
    }

    @Override
    public synchronized ReadResult read(Caller c, long ino, long offset, int length) {
        Node n = node(ino);
        check(c, n, 4);
        if (offset >= n.data.length) return new ReadResult(new byte[0], true);
        int end = (int) Math.min(n.data.length, offset + length);
        return new ReadResult(Arrays.copyOfRange(n.data, (int) offset, end), end == n.data.length);
    }

    @Override
    public synchronized Attr write(Caller c, long ino, long offset, byte[] data) {
        mutating();
        Node n = node(ino);
        check(c, n, 2);
        if (offset + data.length > n.data.length) n.data = Arrays.copyOf(n.data, (int) (offset + data.length));
        System.arraycopy(data, 0, n.data, (int) offset, data.length);
        n.mtime = n.ctime = now();
        return attr(n);
    }

    @Override public Attr punchHole(Caller c, long ino, long offset, long length) { throw err(Errno.EOPNOTSUPP); }
    @Override public Attr allocate(Caller c, long ino, long o, long l, boolean k) { throw err(Errno.EOPNOTSUPP); }
    @Override public List<Segment> map(long ino, long offset, long length) { throw err(Errno.EOPNOTSUPP); }

    @Override
    public synchronized byte[] getxattr(Caller c, long ino, String name) {
        byte[] v = node(ino).xattrs.get(name);
        if (v == null) throw err(Errno.ENODATA);
        return v.clone();
    }

    @Override
    public synchronized void setxattr(Caller c, long ino, String name, byte[] value, XattrMode mode) {
        mutating();
        Node n = node(ino);
        if (!c.isRoot() && c.uid() != n.uid) throw err(Errno.EPERM);
        boolean exists = n.xattrs.containsKey(name);
        if (mode == XattrMode.CREATE && exists) throw err(Errno.EEXIST);
        if (mode == XattrMode.REPLACE && !exists) throw err(Errno.ENODATA);
        n.xattrs.put(name, value.clone());
    }

    @Override public synchronized List<String> listxattr(Caller c, long ino) { return List.copyOf(node(ino).xattrs.keySet()); }

    @Override
    public synchronized void removexattr(Caller c, long ino, String name) {
        mutating();
        if (node(ino).xattrs.remove(name) == null) throw err(Errno.ENODATA);
    }

    private static boolean overlaps(LockRequest a, LockRequest b) {
        long aEnd = a.length() == 0 ? Long.MAX_VALUE : a.start() + a.length();
        long bEnd = b.length() == 0 ? Long.MAX_VALUE : b.start() + b.length();
        return a.start() < bEnd && b.start() < aEnd;
    }

    @Override
    public synchronized boolean lock(long ino, LockRequest r) {
        if (r.type() == LockRequest.Type.UNLOCK) {
            locks.removeIf(e -> e.getKey() == ino && e.getValue().owner().equals(r.owner()) && overlaps(e.getValue(), r));
            return true;
        }
        if (testLock(ino, r) != null) return false;
        locks.add(Map.entry(ino, r));
        return true;
    }

    @Override
    public synchronized LockRequest testLock(long ino, LockRequest p) {
        for (var e : locks) {
            LockRequest h = e.getValue();
            if (e.getKey() == ino && !h.owner().equals(p.owner()) && overlaps(h, p)
                    && (h.type() == LockRequest.Type.WRITE || p.type() == LockRequest.Type.WRITE)) return h;
        }
        return null;
    }

    @Override public synchronized void releaseLocks(LockOwner owner) { locks.removeIf(e -> e.getValue().owner().equals(owner)); }

    synchronized int lockCount() {
        return locks.size();
    }

    /** When set, fsync waits for it: a request that stays in flight as long as a test wants. */
    volatile java.util.concurrent.CountDownLatch fsyncGate;

    @Override
    public void fsync(long ino) {
        var gate = fsyncGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        fsyncs.add(ino);
    }
    @Override public void syncfs() {}
    @Override public StatFs statfs() { return new StatFs(1L << 30, 1L << 29, 1L << 29, 1000, 900, 4096, 255); }
    @Override public void close() {}
}
