package cairn.protocols.nfs;

/** MOUNT version 3 protocol numbers (RFC 1813 appendix I). */
public final class Mount3 {
    public static final int PROGRAM = 100005;
    public static final int VERSION = 3;
    public static final int NULL = 0, MNT = 1, DUMP = 2, UMNT = 3, UMNTALL = 4, EXPORT = 5;

    // mountstat3
    public static final int OK = 0, ERR_PERM = 1, ERR_NOENT = 2, ERR_IO = 5, ERR_ACCES = 13, ERR_NOTDIR = 20,
            ERR_INVAL = 22, ERR_NAMETOOLONG = 63, ERR_NOTSUPP = 10004, ERR_SERVERFAULT = 10006;

    /** MNTPATHLEN and MNTNAMLEN. */
    public static final int PATH_BYTES_MAX = 1024;
    public static final int NAME_BYTES_MAX = 255;

    private Mount3() {}
}
