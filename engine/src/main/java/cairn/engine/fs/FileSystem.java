package cairn.engine.fs;

import java.util.List;

/**
 * The POSIX filesystem that NFS, 9P and NBD all serve. One instance per open volume; thread-safe, and
 * operations on different inodes do not serialise on one lock. Calls block (run them on virtual threads).
 *
 * <p>Errors are {@link FsException} carrying a Linux {@link Errno}. Every mutating call throws
 * {@code EROFS} on a read-only volume. Permission checks use the {@link Caller}; {@link Caller#ROOT} bypasses
 * them as root does.
 *
 * <p>Durability: every call is applied in memory at once and ordered; {@link #fsync} and {@link #syncfs} are
 * barriers. After a crash the state is a prefix of the operation order that contains every operation
 * completed before a successful barrier. In {@code sync} mode every metadata operation is its own barrier.
 */
public interface FileSystem extends AutoCloseable {

    long ROOT_INODE = 1;

    /** Identifies this volume in file handles; stable for the life of the bucket. */
    java.util.UUID volumeId();

    /** Changes whenever durability state may have been lost (restart, failover): the writer epoch. */
    long writeVerifier();

    boolean readOnly();

    // ---- handles -------------------------------------------------------------------------------------

    /** The handle of a live inode. */
    FileHandle handle(long ino);

    /** The inode a handle names; {@code ESTALE} if it is from another volume, deleted, or a reused slot. */
    long resolve(FileHandle handle);

    // ---- attributes -----------------------------------------------------------------------------------

    Attr getattr(long ino);

    Attr setattr(Caller caller, long ino, SetAttr change);

    /** The subset of {@code mask} ({@link Access} bits) the caller is allowed on the inode. */
    int access(Caller caller, long ino, int mask);

    // ---- namespace -----------------------------------------------------------------------------------

    /** {@code name} may be "." or ".."; needs search (x) permission on {@code dir}. */
    Attr lookup(Caller caller, long dir, String name);

    /**
     * Creates a regular file. With {@code exclusive} an existing name is {@code EEXIST}; otherwise an existing
     * regular file is returned unchanged (the caller may then truncate it).
     */
    Attr create(Caller caller, long dir, String name, int mode, boolean exclusive);

    Attr mkdir(Caller caller, long dir, String name, int mode);

    /** FIFO, socket, character or block device; {@code rdev} is used only for devices. */
    Attr mknod(Caller caller, long dir, String name, FileType type, int mode, DeviceNumber rdev);

    Attr symlink(Caller caller, long dir, String name, String target);

    String readlink(Caller caller, long ino);

    /** Hard link to a non-directory. */
    Attr link(Caller caller, long ino, long dir, String name);

    /** Removes a non-directory entry; an inode still open becomes an orphan until {@link #release}. */
    void unlink(Caller caller, long dir, String name);

    void rmdir(Caller caller, long dir, String name);

    void rename(Caller caller, long fromDir, String fromName, long toDir, String toName, RenameMode mode);

    /**
     * Up to {@code maxEntries} entries after {@code cookie} (0 = from the start). The first two entries of a
     * listing are "." (cookie 1) and ".." (cookie 2); real entries carry stable cookies that survive restarts
     * and concurrent changes (an entry removed meanwhile is skipped, never makes the listing fail).
     */
    DirPage readdir(Caller caller, long dir, long cookie, int maxEntries);

    // ---- data -----------------------------------------------------------------------------------------

    /** Pins an inode while a client has it open: unlinked, it stays readable until the last release. */
    void open(long ino);

    /** Drops one {@link #open}; an unlinked inode with no opens left is reclaimed. */
    void release(long ino);

    /** Reads up to {@code length} bytes; holes read as zeros; {@code eof} when the read reached the end. */
    ReadResult read(Caller caller, long ino, long offset, int length);

    /** Writes {@code data}, extending the file as needed; clears suid/sgid as POSIX requires. */
    Attr write(Caller caller, long ino, long offset, byte[] data);

    /** Zeroes a range; whole extents become holes (TRIM, WRITE_ZEROES, FALLOC_FL_PUNCH_HOLE). Size unchanged. */
    Attr punchHole(Caller caller, long ino, long offset, long length);

    /**
     * Makes the range allocated (zeros where it was a hole) and, unless {@code keepSize}, extends the size. The
     * space is charged now: {@code ENOSPC} here when the quota cannot hold it.
     */
    Attr allocate(Caller caller, long ino, long offset, long length, boolean keepSize);

    /** Data and hole ranges covering {@code [offset, offset+length)} clipped to the file size, in order. */
    List<Segment> map(long ino, long offset, long length);

    // ---- extended attributes ---------------------------------------------------------------------------

    byte[] getxattr(Caller caller, long ino, String name);

    void setxattr(Caller caller, long ino, String name, byte[] value, XattrMode mode);

    List<String> listxattr(Caller caller, long ino);

    void removexattr(Caller caller, long ino, String name);

    // ---- locks ----------------------------------------------------------------------------------------

    /** Advisory byte-range lock, never blocks: returns {@code false} when a conflicting lock is held. */
    boolean lock(long ino, LockRequest request);

    /** The first lock that conflicts with {@code probe}, or null. */
    LockRequest testLock(long ino, LockRequest probe);

    /** Drops every lock held by {@code owner} (client disconnect). */
    void releaseLocks(LockOwner owner);

    // ---- durability and space -------------------------------------------------------------------------

    /** Barrier for this inode's data and metadata (and everything ordered before it). */
    void fsync(long ino);

    /** Barrier for the whole volume. */
    void syncfs();

    StatFs statfs();

    @Override
    void close();
}
