package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static org.junit.jupiter.api.Assertions.*;

/** Readdir cookies: dot entries, paging, stability across concurrent changes and restarts, large directories. */
class ReaddirTest {
    private final FsFixture fx = new FsFixture();
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    private List<DirEntry> listAll(CairnFileSystem fs, long dir, int page) {
        List<DirEntry> out = new ArrayList<>();
        long cookie = 0;
        while (true) {
            DirPage p = fs.readdir(root, dir, cookie, page);
            out.addAll(p.entries());
            if (p.eof()) return out;
            assertFalse(p.entries().isEmpty(), "a non-final page has entries");
            cookie = p.entries().getLast().cookie();
        }
    }

    @Test
    void dotEntriesComeFirstWithCookiesOneAndTwo() {
        long d = fx.fs.mkdir(root, ROOT_INODE, "d", 0755).ino();
        DirPage p = fx.fs.readdir(root, d, 0, 10);
        assertTrue(p.eof());
        assertEquals(List.of(new DirEntry(".", d, FileType.DIRECTORY, 1), new DirEntry("..", ROOT_INODE, FileType.DIRECTORY, 2)),
                p.entries());
        Attr f = fx.fs.create(root, d, "f", 0644, true);
        DirPage one = fx.fs.readdir(root, d, 0, 1);
        assertFalse(one.eof());
        assertEquals(".", one.entries().getFirst().name());
        DirPage rest = fx.fs.readdir(root, d, 1, 5);
        assertEquals(List.of("..", "f"), rest.entries().stream().map(DirEntry::name).toList());
        assertEquals(f.ino(), rest.entries().get(1).ino());
        assertEquals(FileType.REGULAR, rest.entries().get(1).type());
        assertTrue(rest.entries().get(1).cookie() > 2);
    }

    @Test
    void largeDirectoryPagesCompletelyAndSurvivesRestart() {
        long d = fx.fs.mkdir(root, ROOT_INODE, "big", 0755).ino();
        int n = 10_000;
        for (int i = 0; i < n; i++) fx.fs.create(root, d, "entry-" + i, 0644, true);
        List<DirEntry> all = listAll(fx.fs, d, 128);
        assertEquals(n + 2, all.size());
        Set<String> names = new HashSet<>();
        for (DirEntry e : all) assertTrue(names.add(e.name()), "duplicate " + e.name());
        // restart in the middle of a listing: the cookie still resumes at the same place
        DirPage first = fx.fs.readdir(root, d, 0, 500);
        long cookie = first.entries().getLast().cookie();
        DirPage expected = fx.fs.readdir(root, d, cookie, 100);
        fx.fs.syncfs();
        CairnFileSystem after = fx.crash();
        assertEquals(expected, after.readdir(root, d, cookie, 100));
        assertEquals(n + 2, listAll(after, d, 1000).size());
    }

    @Test
    void cookiesAreStableUnderConcurrentInsertsAndDeletes() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        CairnFileSystem fs = fx.fs;
        long d = fs.mkdir(root, ROOT_INODE, "d", 0755).ino();
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            fs.create(root, d, "s" + i, 0644, true);
            stable.add("s" + i);
        }
        List<String> churn = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.create(root, d, "c" + i, 0644, true);
            churn.add("c" + i);
        }
        Map<String, Integer> seen = new HashMap<>();
        long cookie = 0;
        int next = 1000;
        while (true) {
            DirPage p = fs.readdir(root, d, cookie, 7);
            for (DirEntry e : p.entries()) seen.merge(e.name(), 1, Integer::sum);
            if (p.eof()) break;
            cookie = p.entries().getLast().cookie();
            // between pages: delete some churn entries and add new ones
            for (int k = 0; k < 3; k++) {
                if (!churn.isEmpty()) fs.unlink(root, d, churn.remove(rnd.nextInt(churn.size())));
                String name = "n" + next++;
                fs.create(root, d, name, 0644, true);
            }
        }
        for (String s : stable) assertEquals(1, seen.getOrDefault(s, 0), "seed " + seed + ": stable entry " + s);
        for (Map.Entry<String, Integer> e : seen.entrySet()) assertEquals(1, e.getValue(), "seed " + seed + ": seen twice " + e.getKey());
    }

    @Test
    void staleCookieOfRemovedEntryContinuesAfterIt() {
        CairnFileSystem fs = fx.fs;
        long d = fs.mkdir(root, ROOT_INODE, "d", 0755).ino();
        for (String s : List.of("a", "b", "c")) fs.create(root, d, s, 0644, true);
        DirEntry a = fs.readdir(root, d, 2, 1).entries().getFirst();
        fs.unlink(root, d, a.name());
        assertEquals(List.of("b", "c"), fs.readdir(root, d, a.cookie(), 10).entries().stream().map(DirEntry::name).toList());
    }
}
