package cairn.engine.fs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory POSIX model, as root (permissions are tested elsewhere). Each operation returns the errno it
 * must fail with, or null after applying itself. File contents are never mutated in place, so {@link #copy()}
 * is cheap and a history of states can be kept for the crash oracle.
 */
final class PosixModel {
    /** Extent size of the filesystem under test (allocation is tracked per extent). */
    final int extentBytes;

    PosixModel(int extentBytes) {
        this.extentBytes = extentBytes;
    }

    static final class Node {
        final long ino;
        final FileType type;
        int mode;
        int nlink;
        byte[] data = new byte[0];
        TreeMap<String, Long> entries;
        long parent;
        String target;
        TreeMap<String, byte[]> xattrs = new TreeMap<>();
        /** Extents allocated by allocate that may hold only zeros (an extent with data is allocated anyway). */
        TreeSet<Long> allocated = new TreeSet<>();

        Node(long ino, FileType type, int mode) {
            this.ino = ino;
            this.type = type;
            this.mode = mode;
            this.nlink = type == FileType.DIRECTORY ? 2 : 1;
            if (type == FileType.DIRECTORY) entries = new TreeMap<>();
        }

        Node copy() {
            Node n = new Node(ino, type, mode);
            n.nlink = nlink;
            n.data = data;
            n.entries = entries == null ? null : new TreeMap<>(entries);
            n.parent = parent;
            n.target = target;
            n.xattrs = new TreeMap<>(xattrs);
            n.allocated = new TreeSet<>(allocated);
            return n;
        }

        boolean isDir() {
            return type == FileType.DIRECTORY;
        }

        long size() {
            return type == FileType.SYMLINK ? target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    : type == FileType.REGULAR ? data.length : 0;
        }
    }

    final Map<Long, Node> nodes = new HashMap<>();
    final Map<Long, Integer> opens = new HashMap<>();

    PosixModel copy() {
        PosixModel m = new PosixModel(extentBytes);
        nodes.forEach((k, v) -> m.nodes.put(k, v.copy()));
        m.opens.putAll(opens);
        return m;
    }

    Node node(long ino) {
        return nodes.get(ino);
    }

    /** Adopts the state a fresh volume starts in (root and /.nbd as the real filesystem made them). */
    void init(long nbdIno) {
        Node root = new Node(FileSystem.ROOT_INODE, FileType.DIRECTORY, 0755);
        root.parent = root.ino;
        nodes.put(root.ino, root);
        Node nbd = new Node(nbdIno, FileType.DIRECTORY, 0755);
        nbd.parent = root.ino;
        nodes.put(nbdIno, nbd);
        root.entries.put(CairnFileSystem.NBD_DIR, nbdIno);
        root.nlink++;
    }

    // ---- namespace ----

    Errno checkCreate(long dir, String name, FileType type, boolean exclusive) {
        Long existing = node(dir).entries.get(name);
        if (existing == null) return null;
        Node e = node(existing);
        if (type == FileType.REGULAR && !exclusive) {
            if (e.type == FileType.REGULAR) return null;
            if (e.isDir()) return Errno.EISDIR;
        }
        return Errno.EEXIST;
    }

    void create(long dir, String name, long ino, FileType type, int mode, String target) {
        Node d = node(dir);
        if (d.entries.containsKey(name)) return; // non-exclusive create of an existing file
        Node n = new Node(ino, type, mode & 07777);
        n.target = target;
        if (n.isDir()) {
            n.parent = dir;
            d.nlink++;
        }
        nodes.put(ino, n);
        d.entries.put(name, ino);
    }

    Errno unlink(long dir, String name) {
        Long ino = node(dir).entries.get(name);
        if (ino == null) return Errno.ENOENT;
        Node n = node(ino);
        if (n.isDir()) return Errno.EISDIR;
        node(dir).entries.remove(name);
        n.nlink--;
        if (n.nlink == 0 && !opens.containsKey(ino)) nodes.remove(ino);
        return null;
    }

    Errno rmdir(long dir, String name) {
        Long ino = node(dir).entries.get(name);
        if (ino == null) return Errno.ENOENT;
        Node n = node(ino);
        if (!n.isDir()) return Errno.ENOTDIR;
        if (!n.entries.isEmpty()) return Errno.ENOTEMPTY;
        node(dir).entries.remove(name);
        node(dir).nlink--;
        nodes.remove(ino);
        return null;
    }

    Errno link(long ino, long dir, String name) {
        Node n = node(ino);
        if (n.isDir()) return Errno.EPERM;
        if (n.nlink == 0) return Errno.ENOENT;
        if (node(dir).entries.containsKey(name)) return Errno.EEXIST;
        n.nlink++;
        node(dir).entries.put(name, ino);
        return null;
    }

    boolean isAncestorOrSelf(long ancestor, long ino) {
        long cur = ino;
        while (true) {
            if (cur == ancestor) return true;
            if (cur == FileSystem.ROOT_INODE) return false;
            cur = node(cur).parent;
        }
    }

    Errno rename(long fd, String fn, long td, String tn, RenameMode mode) {
        Long si = node(fd).entries.get(fn);
        if (si == null) return Errno.ENOENT;
        Long ti = node(td).entries.get(tn);
        if (mode == RenameMode.NOREPLACE && ti != null) return Errno.EEXIST;
        if (mode == RenameMode.EXCHANGE && ti == null) return Errno.ENOENT;
        Node s = node(si), t = ti == null ? null : node(ti);
        boolean cross = fd != td;
        if (cross && s.isDir() && isAncestorOrSelf(s.ino, td)) return Errno.EINVAL;
        if (si.equals(ti)) return null;
        if (mode == RenameMode.REPLACE && t != null) {
            if (s.isDir() && !t.isDir()) return Errno.ENOTDIR;
            if (!s.isDir() && t.isDir()) return Errno.EISDIR;
            if (t.isDir() && !t.entries.isEmpty()) return Errno.ENOTEMPTY;
        }
        if (mode == RenameMode.EXCHANGE && cross && t.isDir() && isAncestorOrSelf(t.ino, fd)) return Errno.EINVAL;
        if (mode == RenameMode.EXCHANGE) {
            node(fd).entries.put(fn, t.ino);
            node(td).entries.put(tn, s.ino);
            if (cross) {
                if (s.isDir()) move(s, fd, td);
                if (t.isDir()) move(t, td, fd);
            }
            return null;
        }
        node(fd).entries.remove(fn);
        if (t != null) {
            node(td).entries.remove(tn);
            if (t.isDir()) {
                node(td).nlink--;
                nodes.remove(t.ino);
            } else {
                t.nlink--;
                if (t.nlink == 0 && !opens.containsKey(t.ino)) nodes.remove(t.ino);
            }
        }
        node(td).entries.put(tn, s.ino);
        if (s.isDir() && cross) move(s, fd, td);
        return null;
    }

    private void move(Node dir, long from, long to) {
        dir.parent = to;
        node(from).nlink--;
        node(to).nlink++;
    }

    // ---- data ----

    void write(long ino, long offset, byte[] bytes) {
        Node n = node(ino);
        if (bytes.length == 0) return;
        byte[] d = Arrays.copyOf(n.data, (int) Math.max(n.data.length, offset + bytes.length));
        System.arraycopy(bytes, 0, d, (int) offset, bytes.length);
        n.data = d;
        touched(n, offset, offset + bytes.length);
    }

    void truncate(long ino, long size) {
        Node n = node(ino);
        long old = n.data.length;
        n.data = Arrays.copyOf(n.data, (int) size);
        if (size < old) {
            n.allocated.tailSet((size + extentBytes - 1) / extentBytes).clear();
            if (size % extentBytes != 0) n.allocated.remove(size / extentBytes); // the trimmed tail is rewritten
        }
    }

    void punch(long ino, long offset, long length) {
        Node n = node(ino);
        byte[] d = n.data.clone();
        long end = Math.min(d.length, offset + length);
        if (offset < end) Arrays.fill(d, (int) offset, (int) end, (byte) 0);
        n.data = d;
        if (offset < end) touched(n, offset, end);
    }

    /** fallocate: mode 0 grows the size; holes below the size in the range become allocated. */
    void allocate(long ino, long offset, long length, boolean keepSize) {
        Node n = node(ino);
        if (!keepSize && offset + length > n.data.length) n.data = Arrays.copyOf(n.data, (int) (offset + length));
        long end = Math.min(offset + length, n.data.length);
        for (long i = offset / extentBytes; i * extentBytes < end; i++) n.allocated.add(i);
    }

    /** A write or punch rewrote the extents of [from, to): each is now allocated exactly when it holds data. */
    private void touched(Node n, long from, long to) {
        n.allocated.subSet(from / extentBytes, (to + extentBytes - 1) / extentBytes).clear();
    }

    /** Whether extent {@code i} is stored: it holds a non-zero byte or was allocated. */
    boolean stored(Node n, long i) {
        if (n.allocated.contains(i)) return true;
        for (long k = i * extentBytes; k < Math.min(n.data.length, (i + 1) * extentBytes); k++)
            if (n.data[(int) k] != 0) return true;
        return false;
    }

    void release(long ino) {
        int left = opens.merge(ino, -1, Integer::sum);
        if (left == 0) {
            opens.remove(ino);
            if (node(ino).nlink == 0) nodes.remove(ino);
        }
    }

    /** What a restart does: nothing is open, orphans are gone. */
    void restart() {
        opens.clear();
        nodes.values().removeIf(n -> n.nlink == 0);
    }

    /** Exact used bytes: the coverage of every stored extent. */
    long usedBytes() {
        long used = 0;
        for (Node n : nodes.values()) {
            if (n.type != FileType.REGULAR) continue;
            for (long i = 0; i * extentBytes < n.data.length; i++)
                if (stored(n, i)) used += Math.min(n.data.length, (i + 1) * extentBytes) - i * extentBytes;
        }
        return used;
    }

    List<Long> inodesOf(FileType type) {
        return nodes.values().stream().filter(n -> n.type == type).map(n -> n.ino).sorted().toList();
    }

    /** Canonical description of the reachable tree: path -> attributes and content. */
    TreeMap<String, String> describe() {
        TreeMap<String, String> out = new TreeMap<>();
        describe(FileSystem.ROOT_INODE, "", out);
        return out;
    }

    private void describe(long ino, String path, TreeMap<String, String> out) {
        Node n = node(ino);
        out.put(path + "/", Describe.of(n.ino, n.type, n.mode, n.nlink, n.size(), n.type == FileType.REGULAR ? n.data : null,
                n.target, n.xattrs));
        if (n.isDir()) n.entries.forEach((name, child) -> {
            if (node(child).isDir()) describe(child, path + "/" + name, out);
            else {
                Node c = node(child);
                out.put(path + "/" + name, Describe.of(c.ino, c.type, c.mode, c.nlink, c.size(),
                        c.type == FileType.REGULAR ? c.data : null, c.target, c.xattrs));
            }
        });
    }
}
