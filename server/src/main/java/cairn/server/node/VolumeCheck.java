package cairn.server.node;

import cairn.engine.fs.Attr;
import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DirEntry;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsOptions;
import cairn.engine.crypto.Secret;
import cairn.engine.crypto.ValueCodec;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.ObjectStore;
import cairn.server.admin.AdminException;
import cairn.server.admin.AdminRouter;
import cairn.server.config.CairnConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code cairn fsck}: opens the volume as a reader (it never writes file data or metadata) and walks the whole
 * tree from the root: every directory page, every inode's attributes, xattrs and symlink targets, and (unless
 * metadata only) every byte of every regular file, so each stored object on the way is fetched and its
 * checksums verified. Problems are collected per path, bounded, instead of stopping at the first.
 */
public final class VolumeCheck {
    static final int PROBLEMS_MAX = 100;
    private static final int PAGE_ENTRIES = 256;
    private static final int READ_BYTES = 1 << 20;

    /** What the walk found. */
    public record Report(long directories, long files, long others, long bytesRead, List<String> problems) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    private final FileSystem fs;
    private final boolean readData;
    private final List<String> problems = new ArrayList<>();
    private long directories;
    private long files;
    private long others;
    private long bytesRead;

    private VolumeCheck(FileSystem fs, boolean readData) {
        this.fs = fs;
        this.readData = readData;
    }

    /** Checks the volume of {@code config}; the node may be stopped or running (this is only a reader). */
    public static Report run(CairnConfig config, boolean readData) {
        Secret secret = Secrets.resolve(config.storage().key()); // a missing key file is reported before any I/O
        try (ObjectStore store = VolumeStores.open(config)) {
            ValueCodec codec = VolumeKeys.codec(store, secret, config, false);
            try (LsmDb db = LsmDb.openReader(store, LsmOptions.defaults())) {
                return checkAndClose(CairnFileSystem.open(db, FsOptions.defaults(), codec), readData);
            }
        }
    }

    private static Report checkAndClose(CairnFileSystem fs, boolean readData) {
        try {
            return check(fs, readData);
        } finally {
            fs.close();
        }
    }

    /** {@code fsck} over the admin endpoint: the running node walks its open volume (the leader's, on HA). */
    static void register(AdminRouter router, Supplier<Optional<FileSystem>> filesystem) {
        router.register("fsck", args -> {
            FileSystem fs = filesystem.get().orElseThrow(() ->
                    new AdminException(AdminException.Code.UNAVAILABLE, "this node has no open volume (not the leader); run fsck on the leader or with -c"));
            Report report = check(fs, !args.flag("metadata_only"));
            var map = new LinkedHashMap<String, Object>();
            map.put("directories", report.directories());
            map.put("files", report.files());
            map.put("others", report.others());
            map.put("bytes_read", report.bytesRead());
            map.put("problems", report.problems());
            return map;
        });
    }

    /** Walks {@code fs} from the root. */
    public static Report check(FileSystem fs, boolean readData) {
        var check = new VolumeCheck(fs, readData);
        check.walk();
        return new Report(check.directories, check.files, check.others, check.bytesRead, List.copyOf(check.problems));
    }

    private void walk() {
        record Dir(long ino, String path) {}
        var queue = new ArrayDeque<Dir>();
        Set<Long> seenDirs = new HashSet<>();
        queue.add(new Dir(FileSystem.ROOT_INODE, "/"));
        seenDirs.add(FileSystem.ROOT_INODE);
        while (!queue.isEmpty() && problems.size() < PROBLEMS_MAX) {
            Dir dir = queue.poll();
            directories++;
            inspect(dir.ino(), dir.path(), FileType.DIRECTORY);
            long cookie = 0;
            try {
                while (true) {
                    DirPage page = fs.readdir(Caller.ROOT, dir.ino(), cookie, PAGE_ENTRIES);
                    for (DirEntry entry : page.entries()) {
                        cookie = entry.cookie();
                        if (entry.name().equals(".") || entry.name().equals("..")) continue;
                        String path = dir.path().equals("/") ? "/" + entry.name() : dir.path() + "/" + entry.name();
                        if (entry.type() == FileType.DIRECTORY) {
                            if (seenDirs.add(entry.ino())) queue.add(new Dir(entry.ino(), path));
                            else problem(path, "directory reachable twice (inode " + entry.ino() + ")");
                        } else {
                            if (entry.type() == FileType.REGULAR) files++;
                            else others++;
                            inspect(entry.ino(), path, entry.type());
                        }
                    }
                    if (page.eof() || page.entries().isEmpty()) break;
                }
            } catch (RuntimeException e) {
                problem(dir.path(), "listing failed: " + e.getMessage());
            }
        }
    }

    private void inspect(long ino, String path, FileType expected) {
        try {
            Attr attr = fs.getattr(ino);
            if (attr.type() != expected) problem(path, "entry says " + expected + ", inode says " + attr.type());
            for (String name : fs.listxattr(Caller.ROOT, ino)) fs.getxattr(Caller.ROOT, ino, name);
            if (attr.type() == FileType.SYMLINK) fs.readlink(Caller.ROOT, ino);
            if (attr.type() == FileType.REGULAR && readData) readAll(ino, attr.size());
        } catch (RuntimeException e) {
            problem(path, e.getMessage());
        }
    }

    private void readAll(long ino, long size) {
        for (long offset = 0; offset < size; ) {
            var result = fs.read(Caller.ROOT, ino, offset, (int) Math.min(READ_BYTES, size - offset));
            if (result.data().length == 0) throw new IllegalStateException("short read at " + offset + " of " + size);
            offset += result.data().length;
            bytesRead += result.data().length;
        }
    }

    private void problem(String path, String what) {
        if (problems.size() < PROBLEMS_MAX) problems.add(path + ": " + what);
    }
}
