package cairn.engine.fs.schema;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;

import java.nio.charset.StandardCharsets;

/** Validation of directory entry names and symlink targets. */
public final class Names {
    public static final int NAME_MAX = 255;
    public static final int PATH_MAX = 4096;

    private Names() {}

    /** UTF-8 bytes of a name that may be created: not empty, ".", "..", no '/' or NUL, at most NAME_MAX bytes. */
    public static byte[] entryName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals(".."))
            throw new FsException(Errno.EINVAL, "invalid entry name '" + name + "'");
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0)
            throw new FsException(Errno.EINVAL, "entry name contains '/' or NUL");
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > NAME_MAX) throw new FsException(Errno.ENAMETOOLONG, "name has " + b.length + " bytes");
        return b;
    }

    public static boolean isDot(String name) {
        return name.equals(".") || name.equals("..");
    }

    public static void symlinkTarget(String target) {
        if (target.isEmpty()) throw new FsException(Errno.ENOENT, "empty symlink target");
        if (target.indexOf('\0') >= 0) throw new FsException(Errno.EINVAL, "symlink target contains NUL");
        if (target.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX)
            throw new FsException(Errno.ENAMETOOLONG, "symlink target too long");
    }
}
