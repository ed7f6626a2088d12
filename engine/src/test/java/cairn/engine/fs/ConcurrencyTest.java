package cairn.engine.fs;

import cairn.engine.fs.schema.FsKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Threads hammer one small tree with renames (directories across parents, so loop checks race), links,
 * unlinks, writes and truncates. No deadlock, no unexpected error, and afterwards the volume is consistent:
 * link counts, parents, no cycles, exact inode and byte accounting.
 */
class ConcurrencyTest {
    private static final int E = 4096;
    private static final String[] NAMES = {"a", "b", "c", "d"};

    @Test
    void concurrentMutationsKeepTheVolumeConsistent() throws Exception {
        long seed = System.nanoTime();
        try (FsFixture fx = new FsFixture(FsOptions.defaults().withExtentBytes(E).withInlineDeleteExtents(1))) {
            CairnFileSystem fs = fx.fs;
            Caller root = Caller.ROOT;
            List<Long> dirs = new ArrayList<>(List.of(ROOT_INODE));
            for (String n : NAMES) dirs.add(fs.mkdir(root, ROOT_INODE, "d" + n, 0755).ino());
            int threads = 4, opsPerThread = 600;
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                Random rnd = new Random(seed + t);
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < opsPerThread; i++) randomOp(fs, rnd, dirs);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "seed " + seed + ": threads finish (no deadlock)");
            if (!failures.isEmpty()) throw new AssertionError("seed " + seed, failures.peek());
            assertTrue(fs.awaitBackgroundIdle(Duration.ofSeconds(20)));
            check(fx, seed);
        }
    }

    private static void randomOp(CairnFileSystem fs, Random rnd, List<Long> dirs) {
        Caller root = Caller.ROOT;
        long dir = dirs.get(rnd.nextInt(dirs.size()));
        String name = NAMES[rnd.nextInt(NAMES.length)];
        try {
            switch (rnd.nextInt(9)) {
                case 0 -> fs.create(root, dir, name, 0644, rnd.nextBoolean());
                case 1 -> fs.mkdir(root, dir, name, 0755);
                case 2 -> fs.unlink(root, dir, name);
                case 3 -> fs.rmdir(root, dir, name);
                case 4, 5 -> {
                    long to = dirs.get(rnd.nextInt(dirs.size()));
                    fs.rename(root, dir, name, to, NAMES[rnd.nextInt(NAMES.length)], RenameMode.values()[rnd.nextInt(3)]);
                }
                case 6 -> {
                    long ino = fs.lookup(root, dir, name).ino();
                    fs.link(root, ino, dirs.get(rnd.nextInt(dirs.size())), NAMES[rnd.nextInt(NAMES.length)]);
                }
                case 7 -> {
                    long ino = fs.lookup(root, dir, name).ino();
                    byte[] b = new byte[1 + rnd.nextInt(3 * E)];
                    rnd.nextBytes(b);
                    fs.write(root, ino, rnd.nextInt(4 * E), b);
                }
                default -> fs.setattr(root, fs.lookup(root, dir, name).ino(), SetAttr.size(rnd.nextInt(5 * E)));
            }
        } catch (FsException e) {
            switch (e.errno()) {
                case ENOENT, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EINVAL, EPERM, ESTALE -> {} // races and bad picks
                default -> throw e;
            }
        }
    }

    /** Walks the tree and checks every invariant the operations must keep. */
    private static void check(FsFixture fx, long seed) {
        CairnFileSystem fs = fx.fs;
        Map<Long, Integer> names = new HashMap<>();
        Set<Long> dirsSeen = new HashSet<>();
        List<long[]> stack = new ArrayList<>();
        stack.add(new long[] {ROOT_INODE, ROOT_INODE});
        while (!stack.isEmpty()) {
            long[] top = stack.removeLast();
            long dir = top[0];
            assertTrue(dirsSeen.add(dir), "seed " + seed + ": directory " + dir + " reached twice (cycle or double link)");
            assertEquals(top[1], fs.lookup(Caller.ROOT, dir, "..").ino(), "seed " + seed + ": parent of " + dir);
            int subdirs = 0;
            long cookie = 0;
            while (true) {
                DirPage p = fs.readdir(Caller.ROOT, dir, cookie, 50);
                for (DirEntry e : p.entries()) {
                    if (e.name().equals(".") || e.name().equals("..")) continue;
                    assertEquals(e.type(), fs.getattr(e.ino()).type());
                    if (e.type() == FileType.DIRECTORY) {
                        subdirs++;
                        stack.add(new long[] {e.ino(), dir});
                    } else {
                        names.merge(e.ino(), 1, Integer::sum);
                    }
                }
                if (p.eof()) break;
                cookie = p.entries().getLast().cookie();
            }
            assertEquals(2 + subdirs, fs.getattr(dir).nlink(), "seed " + seed + ": nlink of directory " + dir);
        }
        long used = 0;
        for (Map.Entry<Long, Integer> e : names.entrySet()) {
            Attr a = fs.getattr(e.getKey());
            assertEquals(e.getValue(), a.nlink(), "seed " + seed + ": nlink of " + e.getKey());
            byte[] data = fs.read(Caller.ROOT, a.ino(), 0, (int) a.size()).data();
            long fileUsed = 0;
            for (int s = 0; s < data.length; s += E) {
                for (int i = s; i < Math.min(data.length, s + E); i++) {
                    if (data[i] != 0) {
                        fileUsed += Math.min(data.length, s + E) - s;
                        break;
                    }
                }
            }
            assertEquals(fileUsed, a.usedBytes(), "seed " + seed + ": used bytes of " + a.ino());
            used += fileUsed;
        }
        assertEquals(dirsSeen.size() + names.size(), fs.usedInodes(), "seed " + seed + ": used inodes");
        long inodeKeys = fx.db.keys().stream().filter(k -> k[0] == FsKeys.INODE).count();
        assertEquals(fs.usedInodes(), inodeKeys, "seed " + seed + ": no leaked inodes");
        assertEquals(used, fs.usedBytes(), "seed " + seed + ": used bytes");
    }
}
