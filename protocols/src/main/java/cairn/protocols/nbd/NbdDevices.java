package cairn.protocols.nbd;

import cairn.engine.fs.Attr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DirEntry;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;
import cairn.engine.fs.SetAttr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NBD devices are the regular files in {@code /.nbd/}: creating, resizing, deleting, listing and opening them.
 * A device with open connections (see {@link NbdExports}) may grow but is never shrunk or deleted here.
 */
public final class NbdDevices {
    public static final String DIRECTORY = ".nbd";
    private static final int DIR_MODE = 0700;
    private static final int FILE_MODE = 0600;
    private static final int NAME_BYTES_MAX = 255;
    private static final int READDIR_PAGE = 256;

    private NbdDevices() {}

    /** Creates the device or resizes it to {@code sizeBytes} (a multiple of 512); no in-use check. */
    public static Attr create(FileSystem fs, String name, long sizeBytes) {
        return create(fs, new NbdExports(), name, sizeBytes);
    }

    /** Creates or resizes the device; shrinking a device that is in use is {@code EBUSY}. */
    public static Attr create(FileSystem fs, NbdExports exports, String name, long sizeBytes) {
        checkName(name);
        if (sizeBytes < 0 || sizeBytes % NbdProtocol.BLOCK_SIZE_MIN != 0) {
            throw new FsException(Errno.EINVAL, "device size must be a non-negative multiple of 512: " + sizeBytes);
        }
        long dir = ensureDirectory(fs);
        Attr file = fs.create(Caller.ROOT, dir, name, FILE_MODE, false);
        if (file.type() != FileType.REGULAR) throw new FsException(Errno.EINVAL, name + " is not a regular file");
        if (file.size() == sizeBytes) return file;
        if (sizeBytes < file.size() && exports.inUse(name)) {
            throw new FsException(Errno.EBUSY, "device " + name + " is in use; it cannot shrink");
        }
        return fs.setattr(Caller.ROOT, file.ino(), SetAttr.size(sizeBytes));
    }

    /** Deletes the device; {@code EBUSY} while it is in use. */
    public static void delete(FileSystem fs, NbdExports exports, String name) {
        checkName(name);
        if (exports.inUse(name)) throw new FsException(Errno.EBUSY, "device " + name + " is in use");
        fs.unlink(Caller.ROOT, directory(fs), name);
    }

    /** The device's attributes; {@code ENOENT} if absent or not a regular file. */
    public static Attr lookup(FileSystem fs, String name) {
        checkName(name);
        Attr attr = fs.lookup(Caller.ROOT, directory(fs), name);
        if (attr.type() != FileType.REGULAR) throw new FsException(Errno.ENOENT, name + " is not a device");
        return attr;
    }

    /** Names of up to {@code max} devices, in directory order. */
    public static List<String> list(FileSystem fs, int max) {
        long dir;
        try {
            dir = directory(fs);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) return List.of();
            throw e;
        }
        List<String> names = new ArrayList<>();
        long cookie = 0;
        while (names.size() < max) {
            DirPage page = fs.readdir(Caller.ROOT, dir, cookie, READDIR_PAGE);
            for (DirEntry entry : page.entries()) {
                cookie = entry.cookie();
                if (entry.type() == FileType.REGULAR && names.size() < max) names.add(entry.name());
            }
            if (page.eof() || page.entries().isEmpty()) break;
        }
        return names;
    }

    /** Opens the device for one connection: pins the inode and counts the connection until closed. */
    public static OpenExport open(FileSystem fs, NbdExports exports, String name) {
        Attr attr = lookup(fs, name);
        fs.open(attr.ino());
        exports.acquire(name);
        return new OpenExport(fs, exports, name, attr.ino(), attr.size());
    }

    static void checkName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > NAME_BYTES_MAX || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "bad device name: " + name);
        }
    }

    private static long directory(FileSystem fs) {
        Attr dir = fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, DIRECTORY);
        if (dir.type() != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, "/" + DIRECTORY);
        return dir.ino();
    }

    private static long ensureDirectory(FileSystem fs) {
        try {
            return directory(fs);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
        try {
            return fs.mkdir(Caller.ROOT, FileSystem.ROOT_INODE, DIRECTORY, DIR_MODE).ino();
        } catch (FsException e) {
            if (e.errno() == Errno.EEXIST) return directory(fs); // lost a race with another creator
            throw e;
        }
    }
}
