package cairn.bench.fs;

import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.Caller;
import cairn.engine.fs.DirPage;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.ValueTransform;
import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.LsmOptions;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.ObjectStores;
import cairn.engine.store.S3Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@link CairnFileSystem} over {@link LsmDb} (writer, epoch 1) on a {@code file://} store. */
final class CairnFsTarget implements FsTarget {
    private static final Caller ROOT = Caller.ROOT;
    private final ObjectStore store;
    private final LsmDb db;
    private final CairnFileSystem fs;
    private final Map<String, Long> dirs = new HashMap<>();

    CairnFsTarget(Path dir) {
        store = ObjectStores.openBackend("file://" + dir, S3Settings.defaults());
        db = LsmDb.openWriter(store, LsmOptions.defaults(), 1);
        fs = CairnFileSystem.open(db, FsOptions.defaults(), ValueTransform.IDENTITY);
    }

    @Override
    public String name() {
        return "cairn";
    }

    @Override
    public void mkdir(String dir) {
        dirs.put(dir, fs.mkdir(ROOT, FileSystem.ROOT_INODE, dir, 0755).ino());
    }

    @Override
    public void create(String dir, String name) {
        fs.create(ROOT, dirs.get(dir), name, 0644, true);
    }

    @Override
    public long stat(String dir, String name) {
        return fs.getattr(fs.lookup(ROOT, dirs.get(dir), name).ino()).size();
    }

    @Override
    public void unlink(String dir, String name) {
        fs.unlink(ROOT, dirs.get(dir), name);
    }

    @Override
    public long list(String dir) {
        long ino = dirs.get(dir), cookie = 0, count = 0;
        while (true) {
            DirPage page = fs.readdir(ROOT, ino, cookie, 4096);
            count += page.entries().size();
            if (page.eof() || page.entries().isEmpty()) return count;
            cookie = page.entries().getLast().cookie();
        }
    }

    @Override
    public OpenFile open(String dir, String name) {
        long ino = fs.create(ROOT, dirs.get(dir), name, 0644, false).ino();
        fs.open(ino);
        return new OpenFile() {
            @Override
            public void write(long offset, byte[] data) {
                fs.write(ROOT, ino, offset, data);
            }

            @Override
            public int read(long offset, int length) {
                return fs.read(ROOT, ino, offset, length).data().length;
            }

            @Override
            public void fsync() {
                fs.fsync(ino);
            }

            @Override
            public void close() {
                fs.release(ino);
            }
        };
    }

    @Override
    public void syncDir(String dir) {
        fs.syncfs();
    }

    @Override
    public void close() {
        fs.close();
        db.close();
        store.close();
    }
}
