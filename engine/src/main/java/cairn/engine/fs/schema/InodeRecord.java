package cairn.engine.fs.schema;

import cairn.engine.fs.Attr;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored state of one inode. Mutable on purpose: an operation loads it under the inode's lock, changes
 * fields and stages it into one batch, so the mutation never escapes the lock. {@code parent} is kept for
 * directories (".." and rename loop checks); {@code nextCookie} is a directory's next readdir cookie.
 */
public final class InodeRecord {
    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 2 + 4 * 4 + 8 * 2 + 4 * 2 + 8 * 4 + 8 * 3;

    public final long ino;
    public final long generation;
    public final FileType type;
    public int mode;
    public int uid;
    public int gid;
    public int nlink;
    public long size;
    /** Bytes covered by stored (non-hole) extents; see {@code FileData#coverage}. */
    public long usedBytes;
    public final DeviceNumber rdev;
    public long atimeNs;
    public long mtimeNs;
    public long ctimeNs;
    public final long btimeNs;
    public long parent;
    public long nextCookie;
    /** Symlink target, else null. */
    public final String target;

    public InodeRecord(long ino, long generation, FileType type, int mode, int uid, int gid, int nlink, long size,
                       long usedBytes, DeviceNumber rdev, long atimeNs, long mtimeNs, long ctimeNs, long btimeNs,
                       long parent, long nextCookie, String target) {
        this.ino = ino;
        this.generation = generation;
        this.type = type;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.nlink = nlink;
        this.size = size;
        this.usedBytes = usedBytes;
        this.rdev = rdev;
        this.atimeNs = atimeNs;
        this.mtimeNs = mtimeNs;
        this.ctimeNs = ctimeNs;
        this.btimeNs = btimeNs;
        this.parent = parent;
        this.nextCookie = nextCookie;
        this.target = target;
    }

    public boolean isDir() {
        return type == FileType.DIRECTORY;
    }

    public Attr toAttr() {
        return new Attr(ino, generation, type, mode & 07777, nlink, uid, gid, size, usedBytes, rdev, atimeNs,
                mtimeNs, ctimeNs, btimeNs);
    }

    public byte[] encode() {
        byte[] t = target == null ? new byte[0] : target.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(FIXED_BYTES + t.length)
                .put(VERSION).put(TypeCodes.code(type))
                .putInt(mode).putInt(uid).putInt(gid).putInt(nlink)
                .putLong(size).putLong(usedBytes)
                .putInt(rdev.major()).putInt(rdev.minor())
                .putLong(atimeNs).putLong(mtimeNs).putLong(ctimeNs).putLong(btimeNs)
                .putLong(generation).putLong(parent).putLong(nextCookie)
                .put(t).array();
    }

    public static InodeRecord decode(long ino, byte[] v) {
        if (v.length < FIXED_BYTES || v[0] != VERSION)
            throw new IllegalStateException("corrupt inode " + ino + ": " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        b.get();
        FileType type = TypeCodes.type(b.get());
        int mode = b.getInt(), uid = b.getInt(), gid = b.getInt(), nlink = b.getInt();
        long size = b.getLong(), used = b.getLong();
        DeviceNumber rdev = new DeviceNumber(b.getInt(), b.getInt());
        long atime = b.getLong(), mtime = b.getLong(), ctime = b.getLong(), btime = b.getLong();
        long generation = b.getLong(), parent = b.getLong(), nextCookie = b.getLong();
        String target = type == FileType.SYMLINK
                ? new String(v, FIXED_BYTES, v.length - FIXED_BYTES, StandardCharsets.UTF_8) : null;
        return new InodeRecord(ino, generation, type, mode, uid, gid, nlink, size, used, rdev, atime, mtime, ctime,
                btime, parent, nextCookie, target);
    }
}
