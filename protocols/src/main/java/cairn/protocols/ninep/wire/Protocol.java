package cairn.protocols.ninep.wire;

/** Constants of the 9P2000.L dialect beyond message types. */
public final class Protocol {
    public static final String VERSION = "9P2000.L";
    public static final String UNKNOWN_VERSION = "unknown";
    /** The tag of Tversion. */
    public static final int NOTAG = 0xFFFF;
    /** "No fid" (an absent afid). */
    public static final int NOFID = 0xFFFFFFFF;
    /** "No numeric uid" in Tattach/Tauth: the uname string names the user. */
    public static final int NONUNAME = 0xFFFFFFFF;
    /** Most names one Twalk may carry. */
    public static final int MAXWELEM = 16;
    /** size[4] type[1] tag[2]. */
    public static final int HEADER_BYTES = 7;
    /** Header of Rread/Twrite data: size[4] type[1] tag[2] count[4] (+ fid and offset for Twrite). */
    public static final int IOHDRSZ = 24;
    /** Rread: size[4] type[1] tag[2] count[4]. */
    public static final int RREAD_HEADER_BYTES = 11;
    /** Rreaddir: size[4] type[1] tag[2] count[4]. */
    public static final int RREADDIR_HEADER_BYTES = 11;
    /** Linux XATTR_SIZE_MAX: the largest xattr value. */
    public static final int XATTR_SIZE_MAX = 65536;
    public static final int V9FS_MAGIC = 0x01021997;

    // Tgetattr request mask / Rgetattr valid bits
    public static final long GETATTR_MODE = 0x1;
    public static final long GETATTR_NLINK = 0x2;
    public static final long GETATTR_UID = 0x4;
    public static final long GETATTR_GID = 0x8;
    public static final long GETATTR_RDEV = 0x10;
    public static final long GETATTR_ATIME = 0x20;
    public static final long GETATTR_MTIME = 0x40;
    public static final long GETATTR_CTIME = 0x80;
    public static final long GETATTR_INO = 0x100;
    public static final long GETATTR_SIZE = 0x200;
    public static final long GETATTR_BLOCKS = 0x400;
    public static final long GETATTR_BTIME = 0x800;
    public static final long GETATTR_GEN = 0x1000;
    public static final long GETATTR_DATA_VERSION = 0x2000;
    public static final long GETATTR_BASIC = 0x7ff;
    public static final long GETATTR_ALL = 0x3fff;

    // Tsetattr valid bits
    public static final int SETATTR_MODE = 0x1;
    public static final int SETATTR_UID = 0x2;
    public static final int SETATTR_GID = 0x4;
    public static final int SETATTR_SIZE = 0x8;
    public static final int SETATTR_ATIME = 0x10;
    public static final int SETATTR_MTIME = 0x20;
    public static final int SETATTR_CTIME = 0x40;
    public static final int SETATTR_ATIME_SET = 0x80;
    public static final int SETATTR_MTIME_SET = 0x100;

    // Tlopen/Tlcreate flags (Linux open(2) values)
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_DIRECTORY = 0200000;

    /** Tunlinkat flag. */
    public static final int AT_REMOVEDIR = 0x200;

    // Txattrcreate flags
    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;

    // Tlock/Tgetlock
    public static final int LOCK_TYPE_RDLCK = 0;
    public static final int LOCK_TYPE_WRLCK = 1;
    public static final int LOCK_TYPE_UNLCK = 2;
    public static final int LOCK_SUCCESS = 0;
    public static final int LOCK_BLOCKED = 1;
    public static final int LOCK_ERROR = 2;
    public static final int LOCK_GRACE = 3;
    public static final int LOCK_FLAGS_BLOCK = 1;
    public static final int LOCK_FLAGS_RECLAIM = 2;

    // readdir entry types (DT_*)
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    private Protocol() {}
}
