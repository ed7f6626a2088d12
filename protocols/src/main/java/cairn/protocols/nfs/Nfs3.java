package cairn.protocols.nfs;

/** NFS version 3 protocol numbers and limits (RFC 1813). */
public final class Nfs3 {
    public static final int PROGRAM = 100003;
    public static final int VERSION = 3;

    // procedures
    public static final int NULL = 0, GETATTR = 1, SETATTR = 2, LOOKUP = 3, ACCESS = 4, READLINK = 5, READ = 6,
            WRITE = 7, CREATE = 8, MKDIR = 9, SYMLINK = 10, MKNOD = 11, REMOVE = 12, RMDIR = 13, RENAME = 14,
            LINK = 15, READDIR = 16, READDIRPLUS = 17, FSSTAT = 18, FSINFO = 19, PATHCONF = 20, COMMIT = 21;
    public static final int PROCEDURE_MAX = COMMIT;

    // nfsstat3
    public static final int OK = 0, ERR_PERM = 1, ERR_NOENT = 2, ERR_IO = 5, ERR_NXIO = 6, ERR_ACCES = 13,
            ERR_EXIST = 17, ERR_XDEV = 18, ERR_NODEV = 19, ERR_NOTDIR = 20, ERR_ISDIR = 21, ERR_INVAL = 22,
            ERR_FBIG = 27, ERR_NOSPC = 28, ERR_ROFS = 30, ERR_MLINK = 31, ERR_NAMETOOLONG = 63,
            ERR_NOTEMPTY = 66, ERR_DQUOT = 69, ERR_STALE = 70, ERR_BADHANDLE = 10001, ERR_NOT_SYNC = 10002,
            ERR_BAD_COOKIE = 10003, ERR_NOTSUPP = 10004, ERR_TOOSMALL = 10005, ERR_SERVERFAULT = 10006,
            ERR_BADTYPE = 10007, ERR_JUKEBOX = 10008;

    // stable_how
    public static final int UNSTABLE = 0, DATA_SYNC = 1, FILE_SYNC = 2;

    // createmode3
    public static final int UNCHECKED = 0, GUARDED = 1, EXCLUSIVE = 2;

    // ftype3
    public static final int NF3REG = 1, NF3DIR = 2, NF3BLK = 3, NF3CHR = 4, NF3LNK = 5, NF3SOCK = 6, NF3FIFO = 7;

    // FSINFO properties
    public static final int FSF3_LINK = 0x1, FSF3_SYMLINK = 0x2, FSF3_HOMOGENEOUS = 0x8, FSF3_CANSETTIME = 0x10;

    /** NFS3_FHSIZE: the largest handle on the wire; Cairn's are exactly 32 bytes. */
    public static final int FHSIZE_MAX = 64;
    public static final int VERIFIER_BYTES = 8;
    /** Caps on names and paths as they arrive (longer names are refused before allocation). */
    public static final int NAME_BYTES_MAX = 1024;
    public static final int PATH_BYTES_MAX = 4096;
    /** Largest READ/WRITE: 1 MiB (FSINFO rtmax/wtmax). */
    public static final int IO_BYTES_MAX = 1 << 20;
    /** Largest record accepted on a connection: a full WRITE plus generous headers. */
    public static final int RECORD_BYTES_MAX = IO_BYTES_MAX + 64 * 1024;

    private Nfs3() {}
}
