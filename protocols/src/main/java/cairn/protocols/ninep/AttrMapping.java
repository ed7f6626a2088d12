package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;

import cairn.engine.fs.Attr;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.SetAttr;
import cairn.protocols.ninep.wire.Qid;
import cairn.protocols.ninep.wire.Rmessage.Rgetattr;
import cairn.protocols.ninep.wire.Tmessage.Tsetattr;

/** Between the filesystem's records and 9P2000.L's qids, stat fields, dirent types and setattr bits. */
final class AttrMapping {
    /** What Rgetattr fills: everything but data_version, which the filesystem does not keep. */
    static final long GETATTR_SUPPORTED = GETATTR_ALL & ~GETATTR_DATA_VERSION;
    private static final long NANOS = 1_000_000_000L;

    private AttrMapping() {}

    static Qid qid(Attr a) {
        return new Qid(qidType(a.type()), (int) a.generation(), a.ino());
    }

    static Qid qid(FileType type, long ino, long generation) {
        return new Qid(qidType(type), (int) generation, ino);
    }

    static int qidType(FileType type) {
        return switch (type) {
            case DIRECTORY -> Qid.QTDIR;
            case SYMLINK -> Qid.QTSYMLINK;
            default -> Qid.QTFILE;
        };
    }

    static int direntType(FileType type) {
        return switch (type) {
            case REGULAR -> DT_REG;
            case DIRECTORY -> DT_DIR;
            case SYMLINK -> DT_LNK;
            case FIFO -> DT_FIFO;
            case SOCKET -> DT_SOCK;
            case CHAR_DEVICE -> DT_CHR;
            case BLOCK_DEVICE -> DT_BLK;
        };
    }

    /** The type in an st_mode ({@code S_IFMT} bits); 0 means a regular file as in mknod(2). */
    static FileType typeOfMode(int mode) {
        int fmt = mode & 0170000;
        if (fmt == 0) return FileType.REGULAR;
        for (FileType t : FileType.values()) if (t.formatBits == fmt) return t;
        throw new FsException(Errno.EINVAL, "unknown file type in mode " + Integer.toOctalString(mode));
    }

    /** glibc's makedev encoding of a dev_t, which Linux clients decode. */
    static long encodeDev(DeviceNumber d) {
        long major = Integer.toUnsignedLong(d.major());
        long minor = Integer.toUnsignedLong(d.minor());
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
                | (minor & 0xffL);
    }

    static Rgetattr getattr(int tag, Attr a, long requestMask, int blockSize) {
        long blocks512 = (a.usedBytes() + 511) / 512;
        return new Rgetattr(tag, requestMask & GETATTR_SUPPORTED, qid(a), a.statMode(), a.uid(), a.gid(),
                a.nlink(), encodeDev(a.rdev()), a.size(), blockSize, blocks512,
                Math.floorDiv(a.atimeNs(), NANOS), Math.floorMod(a.atimeNs(), NANOS),
                Math.floorDiv(a.mtimeNs(), NANOS), Math.floorMod(a.mtimeNs(), NANOS),
                Math.floorDiv(a.ctimeNs(), NANOS), Math.floorMod(a.ctimeNs(), NANOS),
                Math.floorDiv(a.btimeNs(), NANOS), Math.floorMod(a.btimeNs(), NANOS),
                a.generation(), 0);
    }

    /** Tsetattr's valid bits to a {@link SetAttr}; CTIME alone changes nothing but ctime. */
    static SetAttr setattr(Tsetattr m) {
        int v = m.valid();
        if (m.size() < 0 && (v & SETATTR_SIZE) != 0) throw new FsException(Errno.EFBIG, "size beyond 2^63");
        return new SetAttr(
                (v & SETATTR_MODE) != 0 ? m.mode() & 07777 : null,
                (v & SETATTR_UID) != 0 ? m.uid() : null,
                (v & SETATTR_GID) != 0 ? m.gid() : null,
                (v & SETATTR_SIZE) != 0 ? m.size() : null,
                time(v, SETATTR_ATIME, SETATTR_ATIME_SET, m.atimeSec(), m.atimeNsec()),
                time(v, SETATTR_MTIME, SETATTR_MTIME_SET, m.mtimeSec(), m.mtimeNsec()));
    }

    private static SetAttr.TimeChange time(int valid, int bit, int setBit, long sec, long nsec) {
        if ((valid & bit) == 0) return null;
        if ((valid & setBit) == 0) return new SetAttr.TimeChange.Now();
        if (nsec < 0 || nsec >= NANOS) throw new FsException(Errno.EINVAL, "nanoseconds out of range");
        try {
            return new SetAttr.TimeChange.At(Math.addExact(Math.multiplyExact(sec, NANOS), nsec));
        } catch (ArithmeticException e) {
            throw new FsException(Errno.EINVAL, "time out of range");
        }
    }
}
