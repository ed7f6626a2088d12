package cairn.engine.fs.schema;

import cairn.engine.lsm.Keys;

import java.nio.ByteBuffer;

/**
 * Key layout of the filesystem: {@code kind | big-endian ids | name}. Big-endian ids keep one inode's or one
 * directory's keys contiguous and ordered, so directory listings, extent runs and xattr lists are range scans.
 * Extents sort last so bulk data never interleaves with metadata. See docs/formats.md.
 */
public final class FsKeys {
    public static final byte SYSTEM = 0x00;
    public static final byte INODE = 0x01;
    public static final byte DIRENT = 0x02;
    public static final byte CURSOR = 0x03;
    public static final byte XATTR = 0x04;
    public static final byte ORPHAN = 0x05;
    public static final byte TOMBSTONE = 0x06;
    public static final byte EXTENT = (byte) 0xF0;

    /** System sub-keys. */
    public static final byte SYS_FORMAT = 0x01;
    public static final byte SYS_INODE_WATERMARK = 0x02;
    public static final byte SYS_STATS = 0x03;

    private FsKeys() {}

    public static byte[] system(byte subKey) {
        return new byte[] {SYSTEM, subKey};
    }

    public static byte[] inode(long ino) {
        return id(INODE, ino);
    }

    public static byte[] dirent(long dir, byte[] name) {
        return ByteBuffer.allocate(9 + name.length).put(DIRENT).putLong(dir).put(name).array();
    }

    public static byte[] direntPrefix(long dir) {
        return id(DIRENT, dir);
    }

    public static byte[] cursor(long dir, long cookie) {
        return ids(CURSOR, dir, cookie);
    }

    public static byte[] cursorPrefix(long dir) {
        return id(CURSOR, dir);
    }

    public static byte[] extent(long ino, long index) {
        return ids(EXTENT, ino, index);
    }

    public static byte[] extentPrefix(long ino) {
        return id(EXTENT, ino);
    }

    /** Exclusive upper bound of one inode's extents. */
    public static byte[] extentEnd(long ino) {
        return Keys.prefixEnd(extentPrefix(ino));
    }

    public static byte[] xattr(long ino, byte[] name) {
        return ByteBuffer.allocate(9 + name.length).put(XATTR).putLong(ino).put(name).array();
    }

    public static byte[] xattrPrefix(long ino) {
        return id(XATTR, ino);
    }

    public static byte[] orphan(long ino) {
        return id(ORPHAN, ino);
    }

    public static byte[] tombstone(long ino) {
        return id(TOMBSTONE, ino);
    }

    public static byte[] kindPrefix(byte kind) {
        return new byte[] {kind};
    }

    /** The big-endian id at {@code offset} of a key. */
    public static long idAt(byte[] key, int offset) {
        return ByteBuffer.wrap(key, offset, 8).getLong();
    }

    /** The name suffix of a dirent or xattr key. */
    public static byte[] nameOf(byte[] key) {
        byte[] name = new byte[key.length - 9];
        System.arraycopy(key, 9, name, 0, name.length);
        return name;
    }

    private static byte[] id(byte kind, long a) {
        return ByteBuffer.allocate(9).put(kind).putLong(a).array();
    }

    private static byte[] ids(byte kind, long a, long b) {
        return ByteBuffer.allocate(17).put(kind).putLong(a).putLong(b).array();
    }
}
