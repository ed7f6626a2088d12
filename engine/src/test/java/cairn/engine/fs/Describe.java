package cairn.engine.fs;

import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** One-line canonical descriptions of inodes, shared by the model and the filesystem walk. */
final class Describe {
    private Describe() {}

    static String of(long ino, FileType type, int mode, int nlink, long size, byte[] data, String target,
                     Map<String, byte[]> xattrs) {
        StringBuilder sb = new StringBuilder();
        sb.append(ino).append(' ').append(type).append(' ').append(Integer.toOctalString(mode)).append(" n=").append(nlink)
                .append(" s=").append(size);
        if (data != null) sb.append(" d=").append(digest(data));
        if (target != null) sb.append(" ->").append(target);
        xattrs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(HexFormat.of().formatHex(v)));
        return sb.toString();
    }

    /** The same description, read from the filesystem. */
    static TreeMap<String, String> walk(FileSystem fs) {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs, FileSystem.ROOT_INODE, "", out);
        return out;
    }

    private static void walk(FileSystem fs, long ino, String path, TreeMap<String, String> out) {
        out.put(path + "/", describe(fs, ino));
        long cookie = 0;
        while (true) {
            DirPage page = fs.readdir(Caller.ROOT, ino, cookie, 3);
            for (DirEntry e : page.entries()) {
                if (e.name().equals(".") || e.name().equals("..")) continue;
                if (e.type() == FileType.DIRECTORY) walk(fs, e.ino(), path + "/" + e.name(), out);
                else out.put(path + "/" + e.name(), describe(fs, e.ino()));
            }
            if (page.eof()) return;
            cookie = page.entries().getLast().cookie();
        }
    }

    static String describe(FileSystem fs, long ino) {
        Attr a = fs.getattr(ino);
        byte[] data = null;
        if (a.type() == FileType.REGULAR) data = fs.read(Caller.ROOT, ino, 0, (int) a.size()).data();
        String target = a.type() == FileType.SYMLINK ? fs.readlink(Caller.ROOT, ino) : null;
        TreeMap<String, byte[]> xattrs = new TreeMap<>();
        for (String name : fs.listxattr(Caller.ROOT, ino)) xattrs.put(name, fs.getxattr(Caller.ROOT, ino, name));
        long size = a.type() == FileType.DIRECTORY ? 0 : a.size();
        return of(ino, a.type(), a.mode(), a.nlink(), size, data, target, xattrs);
    }

    private static String digest(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        return Long.toHexString(crc.getValue()) + "/" + data.length;
    }
}
