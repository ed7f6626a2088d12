package cairn.protocols.nbd;

import cairn.engine.fs.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEMPORARY test-only filesystem until CairnFileSystem lands on main: just a root, {@code /.nbd/} and sparse
 * regular files stored as 32 KiB extents (an all-zero extent is a hole). Counts barriers and lets a test stall
 * an operation ({@link #hook}). Everything else is ENOSYS.
 */
final class FakeBlockFileSystem implements FileSystem {
    static final int EXTENT = 32 * 1024;

    /** Called before each data operation with its name ("read", "write", ...) and offset. */
    interface Hook {
        void before(String op, long offset) throws InterruptedException;
    }

    private record Node(long ino, boolean dir, Map<String, Long> entries, TreeMap<Long, byte[]> extents,
                        long[] size, AtomicInteger opens, boolean[] linked) {}

    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicLong nextIno = new AtomicLong(ROOT_INODE + 1);
    /** Settable so a test can create exports first, then serve a read-only volume. */
    volatile boolean readOnly;
    final AtomicInteger syncfsCalls = new AtomicInteger();
    final AtomicInteger fsyncCalls = new AtomicInteger();
    volatile Hook hook = (op, offset) -> {};

    FakeBlockFileSystem(boolean readOnly) {
        this.readOnly = readOnly;
        nodes.put(ROOT_INODE, dirNode(ROOT_INODE));
    }

    private static Node dirNode(long ino) {
        return new Node(ino, true, new ConcurrentHashMap<>(), null, new long[1], new AtomicInteger(), new boolean[] {true});
    }

    int opens(long ino) {
        return node(ino).opens().get();
    }

    private Node node(long ino) {
        Node n = nodes.get(ino);
        if (n == null) throw new FsException(Errno.ESTALE, "no inode " + ino);
        return n;
    }

    private void writable() {
        if (readOnly) throw new FsException(Errno.EROFS, "read-only");
    }

    private void hook(String op, long offset) {
        try {
            hook.before(op, offset);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FsException(Errno.EIO, "interrupted");
        }
    }

    private Attr attr(Node n) {
        long used;
        synchronized (n) {
            used = n.dir() ? 0 : (long) n.extents().size() * EXTENT;
        }
        return new Attr(n.ino(), 1, n.dir() ? FileType.DIRECTORY : FileType.REGULAR, n.dir() ? 0755 : 0600,
                1, 0, 0, n.size()[0], used, DeviceNumber.NONE, 0, 0, 0, 0);
    }

    @Override public UUID volumeId() { return new UUID(1, 2); }
    @Override public long writeVerifier() { return 1; }
    @Override public boolean readOnly() { return readOnly; }
    @Override public FileHandle handle(long ino) { return new FileHandle(volumeId(), ino, 1); }
    @Override public long resolve(FileHandle handle) { return node(handle.ino()).ino(); }
    @Override public Attr getattr(long ino) { return attr(node(ino)); }

    @Override
    public Attr setattr(Caller caller, long ino, SetAttr change) {
        writable();
        Node n = node(ino);
        if (change.size() != null) {
            synchronized (n) {
                long size = change.size();
                n.size()[0] = size;
                n.extents().tailMap(size / EXTENT * EXTENT, true).entrySet().removeIf(e -> e.getKey() >= size);
                byte[] last = n.extents().get(size / EXTENT * EXTENT);
                if (last != null) java.util.Arrays.fill(last, (int) (size % EXTENT), EXTENT, (byte) 0);
            }
        }
        return attr(n);
    }

    @Override public int access(Caller caller, long ino, int mask) { return mask; }

    @Override
    public Attr lookup(Caller caller, long dir, String name) {
        Long ino = node(dir).entries().get(name);
        if (ino == null) throw new FsException(Errno.ENOENT, name);
        return attr(node(ino));
    }

    @Override
    public Attr create(Caller caller, long dir, String name, int mode, boolean exclusive) {
        writable();
        Node d = node(dir);
        synchronized (d) {
            Long existing = d.entries().get(name);
            if (existing != null) {
                if (exclusive) throw new FsException(Errno.EEXIST, name);
                return attr(node(existing));
            }
            long ino = nextIno.getAndIncrement();
            Node n = new Node(ino, false, null, new TreeMap<>(), new long[1], new AtomicInteger(), new boolean[] {true});
            nodes.put(ino, n);
            d.entries().put(name, ino);
            return attr(n);
        }
    }

    @Override
    public Attr mkdir(Caller caller, long dir, String name, int mode) {
        writable();
        Node d = node(dir);
        synchronized (d) {
            if (d.entries().containsKey(name)) throw new FsException(Errno.EEXIST, name);
            long ino = nextIno.getAndIncrement();
            nodes.put(ino, dirNode(ino));
            d.entries().put(name, ino);
            return attr(node(ino));
        }
    }

    @Override
    public void unlink(Caller caller, long dir, String name) {
        writable();
        Long ino = node(dir).entries().remove(name);
        if (ino == null) throw new FsException(Errno.ENOENT, name);
        node(ino).linked()[0] = false;
    }

    @Override
    public DirPage readdir(Caller caller, long dir, long cookie, int maxEntries) {
        List<String> names = new ArrayList<>(new java.util.TreeSet<>(node(dir).entries().keySet()));
        List<DirEntry> out = new ArrayList<>();
        for (int i = (int) cookie; i < names.size() && out.size() < maxEntries; i++) {
            Long ino = node(dir).entries().get(names.get(i));
            if (ino == null) continue;
            out.add(new DirEntry(names.get(i), ino, node(ino).dir() ? FileType.DIRECTORY : FileType.REGULAR, i + 1));
        }
        boolean eof = out.isEmpty() || out.get(out.size() - 1).cookie() >= names.size();
        return new DirPage(out, eof);
    }

    @Override public void open(long ino) { node(ino).opens().incrementAndGet(); }
    @Override public void release(long ino) { node(ino).opens().decrementAndGet(); }

    @Override
    public ReadResult read(Caller caller, long ino, long offset, int length) {
        hook("read", offset);
        Node n = node(ino);
        synchronized (n) {
            long size = n.size()[0];
            int len = (int) Math.max(0, Math.min(length, size - offset));
            byte[] out = new byte[len];
            for (int done = 0; done < len; ) {
                long pos = offset + done;
                long base = pos / EXTENT * EXTENT;
                int in = (int) (pos - base);
                int k = Math.min(EXTENT - in, len - done);
                byte[] e = n.extents().get(base);
                if (e != null) System.arraycopy(e, in, out, done, k);
                done += k;
            }
            return new ReadResult(out, offset + len >= size);
        }
    }

    @Override
    public Attr write(Caller caller, long ino, long offset, byte[] data) {
        writable();
        hook("write", offset);
        Node n = node(ino);
        synchronized (n) {
            put(n, offset, data, data.length);
            n.size()[0] = Math.max(n.size()[0], offset + data.length);
        }
        return attr(n);
    }

    /** Writes {@code data} (or zeros when null); extents that end up all zero become holes. */
    private static void put(Node n, long offset, byte[] data, long length) {
        for (long done = 0; done < length; ) {
            long pos = offset + done;
            long base = pos / EXTENT * EXTENT;
            int in = (int) (pos - base);
            int k = (int) Math.min(EXTENT - in, length - done);
            byte[] e = n.extents().get(base);
            if (e == null && data == null) {
                done += k;
                continue;
            }
            if (e == null) e = new byte[EXTENT];
            if (data == null) java.util.Arrays.fill(e, in, in + k, (byte) 0);
            else System.arraycopy(data, (int) done, e, in, k);
            boolean zero = true;
            for (byte b : e) if (b != 0) { zero = false; break; }
            if (zero) n.extents().remove(base); else n.extents().put(base, e);
            done += k;
        }
    }

    @Override
    public Attr punchHole(Caller caller, long ino, long offset, long length) {
        writable();
        hook("punchHole", offset);
        Node n = node(ino);
        synchronized (n) {
            put(n, offset, null, Math.max(0, Math.min(length, n.size()[0] - offset)));
        }
        return attr(n);
    }

    @Override
    public List<Segment> map(long ino, long offset, long length) {
        hook("map", offset);
        Node n = node(ino);
        List<Segment> out = new ArrayList<>();
        synchronized (n) {
            long end = Math.min(offset + length, n.size()[0]);
            for (long pos = offset; pos < end; ) {
                long base = pos / EXTENT * EXTENT;
                long stop = Math.min(base + EXTENT, end);
                boolean hole = !n.extents().containsKey(base);
                Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && last.hole() == hole) out.set(out.size() - 1, new Segment(last.offset(), stop - last.offset(), hole));
                else out.add(new Segment(pos, stop - pos, hole));
                pos = stop;
            }
        }
        return out;
    }

    @Override public void fsync(long ino) { hook("fsync", 0); fsyncCalls.incrementAndGet(); }
    @Override public void syncfs() { hook("syncfs", 0); syncfsCalls.incrementAndGet(); }

    @Override public StatFs statfs() { return new StatFs(1L << 40, 1L << 40, 1L << 40, 1 << 20, 1 << 20, 4096, 255); }
    @Override public void close() {}

    private static FsException unsupported() { return new FsException(Errno.ENOSYS, "not in the test filesystem"); }
    @Override public Attr mknod(Caller c, long d, String n, FileType t, int m, DeviceNumber r) { throw unsupported(); }
    @Override public Attr symlink(Caller c, long d, String n, String t) { throw unsupported(); }
    @Override public String readlink(Caller c, long i) { throw unsupported(); }
    @Override public Attr link(Caller c, long i, long d, String n) { throw unsupported(); }
    @Override public void rmdir(Caller c, long d, String n) { throw unsupported(); }
    @Override public void rename(Caller c, long fd, String fn, long td, String tn, RenameMode m) { throw unsupported(); }
    @Override public Attr allocate(Caller c, long i, long o, long l, boolean k) { throw unsupported(); }
    @Override public byte[] getxattr(Caller c, long i, String n) { throw unsupported(); }
    @Override public void setxattr(Caller c, long i, String n, byte[] v, XattrMode m) { throw unsupported(); }
    @Override public List<String> listxattr(Caller c, long i) { throw unsupported(); }
    @Override public void removexattr(Caller c, long i, String n) { throw unsupported(); }
    @Override public boolean lock(long i, LockRequest r) { throw unsupported(); }
    @Override public LockRequest testLock(long i, LockRequest p) { throw unsupported(); }
    @Override public void releaseLocks(LockOwner o) { throw unsupported(); }
}
