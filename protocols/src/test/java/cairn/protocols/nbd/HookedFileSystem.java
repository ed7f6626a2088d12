package cairn.protocols.nbd;

import cairn.engine.fs.*;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the real filesystem for tests: counts barriers and opens per inode, can pretend the volume is
 * read-only, and lets a test stall a data operation ({@link #hook}) to provoke out-of-order replies and
 * backpressure.
 */
final class HookedFileSystem implements FileSystem {

    /** Called before each data operation with its name ("read", "write", "punchHole", "map", "fsync", "syncfs"). */
    interface Hook {
        void before(String op, long offset) throws InterruptedException;
    }

    private final FileSystem fs;
    private final Map<Long, AtomicInteger> opens = new ConcurrentHashMap<>();
    final AtomicInteger syncfsCalls = new AtomicInteger();
    final AtomicInteger fsyncCalls = new AtomicInteger();
    volatile Hook hook = (op, offset) -> {};
    volatile boolean readOnly;

    HookedFileSystem(FileSystem fs) {
        this.fs = fs;
    }

    /** Opens minus releases of an inode through this filesystem. */
    int opens(long ino) {
        return opens.getOrDefault(ino, new AtomicInteger()).get();
    }

    private void hook(String op, long offset) {
        try {
            hook.before(op, offset);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FsException(Errno.EIO, "interrupted");
        }
    }

    @Override public UUID volumeId() { return fs.volumeId(); }
    @Override public long writeVerifier() { return fs.writeVerifier(); }
    @Override public boolean readOnly() { return readOnly || fs.readOnly(); }
    @Override public FileHandle handle(long ino) { return fs.handle(ino); }
    @Override public long resolve(FileHandle handle) { return fs.resolve(handle); }
    @Override public Attr getattr(long ino) { return fs.getattr(ino); }
    @Override public Attr setattr(Caller c, long ino, SetAttr change) { return fs.setattr(c, ino, change); }
    @Override public int access(Caller c, long ino, int mask) { return fs.access(c, ino, mask); }
    @Override public Attr lookup(Caller c, long dir, String name) { return fs.lookup(c, dir, name); }
    @Override public Attr create(Caller c, long dir, String name, int mode, boolean excl) { return fs.create(c, dir, name, mode, excl); }
    @Override public Attr mkdir(Caller c, long dir, String name, int mode) { return fs.mkdir(c, dir, name, mode); }
    @Override public Attr mknod(Caller c, long dir, String name, FileType t, int mode, DeviceNumber rdev) { return fs.mknod(c, dir, name, t, mode, rdev); }
    @Override public Attr symlink(Caller c, long dir, String name, String target) { return fs.symlink(c, dir, name, target); }
    @Override public String readlink(Caller c, long ino) { return fs.readlink(c, ino); }
    @Override public Attr link(Caller c, long ino, long dir, String name) { return fs.link(c, ino, dir, name); }
    @Override public void unlink(Caller c, long dir, String name) { fs.unlink(c, dir, name); }
    @Override public void rmdir(Caller c, long dir, String name) { fs.rmdir(c, dir, name); }
    @Override public void rename(Caller c, long fd, String fn, long td, String tn, RenameMode m) { fs.rename(c, fd, fn, td, tn, m); }
    @Override public DirPage readdir(Caller c, long dir, long cookie, int max) { return fs.readdir(c, dir, cookie, max); }

    @Override
    public void open(long ino) {
        fs.open(ino);
        opens.computeIfAbsent(ino, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void release(long ino) {
        opens.computeIfAbsent(ino, k -> new AtomicInteger()).decrementAndGet();
        fs.release(ino);
    }

    @Override
    public ReadResult read(Caller c, long ino, long offset, int length) {
        hook("read", offset);
        return fs.read(c, ino, offset, length);
    }

    @Override
    public Attr write(Caller c, long ino, long offset, byte[] data) {
        hook("write", offset);
        return fs.write(c, ino, offset, data);
    }

    @Override
    public Attr punchHole(Caller c, long ino, long offset, long length) {
        hook("punchHole", offset);
        return fs.punchHole(c, ino, offset, length);
    }

    @Override public Attr allocate(Caller c, long ino, long o, long l, boolean keep) { return fs.allocate(c, ino, o, l, keep); }

    @Override
    public List<Segment> map(long ino, long offset, long length) {
        hook("map", offset);
        return fs.map(ino, offset, length);
    }

    @Override public byte[] getxattr(Caller c, long ino, String name) { return fs.getxattr(c, ino, name); }
    @Override public void setxattr(Caller c, long ino, String name, byte[] v, XattrMode m) { fs.setxattr(c, ino, name, v, m); }
    @Override public List<String> listxattr(Caller c, long ino) { return fs.listxattr(c, ino); }
    @Override public void removexattr(Caller c, long ino, String name) { fs.removexattr(c, ino, name); }
    @Override public boolean lock(long ino, LockRequest r) { return fs.lock(ino, r); }
    @Override public LockRequest testLock(long ino, LockRequest p) { return fs.testLock(ino, p); }
    @Override public void releaseLocks(LockOwner o) { fs.releaseLocks(o); }

    @Override
    public void fsync(long ino) {
        hook("fsync", 0);
        fsyncCalls.incrementAndGet();
        fs.fsync(ino);
    }

    @Override
    public void syncfs() {
        hook("syncfs", 0);
        syncfsCalls.incrementAndGet();
        fs.syncfs();
    }

    @Override public StatFs statfs() { return fs.statfs(); }
    @Override public void close() { fs.close(); }
}
