package cairn.engine.fs;

/**
 * Attributes of one inode. {@code mode} holds the 12 permission bits (including suid, sgid, sticky), not the
 * type. Times are nanoseconds since the Unix epoch. {@code usedBytes} counts allocated (non-hole) bytes.
 */
public record Attr(long ino, long generation, FileType type, int mode, int nlink, int uid, int gid, long size,
                   long usedBytes, DeviceNumber rdev, long atimeNs, long mtimeNs, long ctimeNs, long btimeNs) {

    /** {@code st_mode}: type bits | permission bits. */
    public int statMode() {
        return type.formatBits | (mode & 07777);
    }
}
