package cairn.protocols.nfs;

import cairn.engine.fs.Access;
import cairn.engine.fs.Attr;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;
import cairn.engine.fs.SetAttr;
import cairn.protocols.nfs.client.NfsClient;
import cairn.protocols.nfs.client.NfsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every NFSv3 procedure through the Java client, with the error statuses clients depend on. */
class NfsProceduresTest {
    private TestVolume volume;
    private NfsTestServer server;
    private NfsClient nfs;
    private byte[] root;

    @BeforeEach
    void start() {
        volume = new TestVolume();
        server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT);
        nfs = server.root();
        root = nfs.mount("/");
    }

    @AfterEach
    void stop() {
        nfs.close();
        server.close();
        volume.close();
    }

    private static int status(Runnable r) {
        return assertThrows(NfsException.class, r::run).status();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nullGetattrFsinfoPathconfFsstat() {
        nfs.nullCall();
        Attr a = nfs.getattr(root);
        assertEquals(FileType.DIRECTORY, a.type());
        assertEquals(1, a.ino());
        var info = nfs.fsinfo(root);
        assertEquals(1 << 20, info.rtmax());
        assertEquals(1 << 20, info.wtmax());
        assertEquals(1, info.timeDeltaNs());
        assertEquals(Nfs3.FSF3_LINK | Nfs3.FSF3_SYMLINK | Nfs3.FSF3_HOMOGENEOUS | Nfs3.FSF3_CANSETTIME, info.properties());
        var pc = nfs.pathconf(root);
        assertEquals(255, pc.nameMax());
        assertTrue(pc.noTrunc());
        assertTrue(nfs.fsstat(root).totalBytes() > 0);
    }

    @Test
    void createWriteReadSetattrCommit() {
        var f = nfs.create(root, "f", Nfs3.UNCHECKED, SetAttr.mode(0640));
        assertEquals(0640, f.attr().mode());
        assertNotNull(f.dir().before());
        var w = nfs.write(f.fh(), 0, bytes("hello world"), Nfs3.UNSTABLE);
        assertEquals(11, w.count());
        assertEquals(Nfs3.UNSTABLE, w.committed());
        assertEquals(volume.fs.writeVerifier(), w.verifier());
        assertEquals(0, w.wcc().before().size());
        assertEquals(11, w.wcc().after().size());
        var r = nfs.read(f.fh(), 6, 100);
        assertArrayEquals(bytes("world"), r.data());
        assertTrue(r.eof());
        assertFalse(nfs.read(f.fh(), 0, 5).eof());

        assertEquals(volume.fs.writeVerifier(), nfs.commit(f.fh(), 0, 0));
        var sync = nfs.write(f.fh(), 11, bytes("!"), Nfs3.FILE_SYNC);
        assertEquals(Nfs3.FILE_SYNC, sync.committed());

        var wcc = nfs.setattr(f.fh(), SetAttr.size(5), null);
        assertEquals(12, wcc.before().size());
        assertEquals(5, wcc.after().size());
        long ctime = nfs.getattr(f.fh()).ctimeNs();
        nfs.setattr(f.fh(), SetAttr.mode(0600), ctime);
        assertEquals(0600, nfs.getattr(f.fh()).mode());
        assertEquals(Nfs3.ERR_NOT_SYNC, status(() -> nfs.setattr(f.fh(), SetAttr.mode(0644), ctime - 1)));
        assertEquals(Access.READ | Access.MODIFY, nfs.access(f.fh(), Access.READ | Access.MODIFY));
    }

    @Test
    void createModes() {
        nfs.create(root, "g", Nfs3.GUARDED, SetAttr.NONE);
        assertEquals(Nfs3.ERR_EXIST, status(() -> nfs.create(root, "g", Nfs3.GUARDED, SetAttr.NONE)));
        var g = nfs.lookup(root, "g");
        nfs.write(g.fh(), 0, bytes("data"), Nfs3.UNSTABLE);
        // UNCHECKED over an existing file keeps it, truncating as asked
        var again = nfs.create(root, "g", Nfs3.UNCHECKED, SetAttr.size(0));
        assertArrayEquals(g.fh(), again.fh());
        assertEquals(0, again.attr().size());

        var x = nfs.createExclusive(root, "x", 0x0102030405060708L);
        var retransmitted = nfs.createExclusive(root, "x", 0x0102030405060708L);
        assertArrayEquals(x.fh(), retransmitted.fh());
        assertEquals(Nfs3.ERR_EXIST, status(() -> nfs.createExclusive(root, "x", 99)));
        nfs.setattr(x.fh(), SetAttr.mode(0644), null);
        assertEquals(0644, nfs.getattr(x.fh()).mode());
    }

    @Test
    void namespaceOperations() {
        var d = nfs.mkdir(root, "d", SetAttr.mode(0750));
        assertEquals(FileType.DIRECTORY, d.attr().type());
        assertEquals(0750, d.attr().mode());
        var s = nfs.symlink(d.fh(), "s", "../target");
        assertEquals("../target", nfs.readlink(s.fh()));
        var fifo = nfs.mknod(d.fh(), "p", FileType.FIFO, SetAttr.mode(0600), DeviceNumber.NONE);
        assertEquals(FileType.FIFO, fifo.attr().type());
        var chr = nfs.mknod(d.fh(), "c", FileType.CHAR_DEVICE, SetAttr.mode(0600), new DeviceNumber(1, 3));
        assertEquals(new DeviceNumber(1, 3), nfs.getattr(chr.fh()).rdev());
        assertEquals(Nfs3.ERR_BADTYPE, status(() -> nfs.mknod(d.fh(), "r", FileType.REGULAR, SetAttr.NONE, DeviceNumber.NONE)));

        var f = nfs.create(d.fh(), "f", Nfs3.GUARDED, SetAttr.NONE);
        Attr linked = nfs.link(f.fh(), root, "hard");
        assertEquals(2, linked.nlink());
        nfs.rename(d.fh(), "f", root, "moved");
        assertArrayEquals(f.fh(), nfs.lookup(root, "moved").fh());
        assertEquals(Nfs3.ERR_NOENT, status(() -> nfs.lookup(d.fh(), "f")));
        assertEquals(Set.of(".", "..", ".nbd", "d", "hard", "moved"), names(nfs.listAll(root)));
        assertEquals(Set.of(".", "..", "s", "p", "c"),
                nfs.readdir(d.fh(), 0, 0, 4096).entries().stream().map(NfsClient.DirEntry::name).collect(Collectors.toSet()));

        assertEquals(Nfs3.ERR_NOTEMPTY, status(() -> nfs.rmdir(root, "d")));
        for (String n : List.of("s", "p", "c")) nfs.remove(d.fh(), n);
        nfs.rmdir(root, "d");
        assertEquals(Nfs3.ERR_NOENT, status(() -> nfs.remove(root, "d")));
        assertEquals(Nfs3.ERR_STALE, status(() -> nfs.getattr(d.fh())));
        assertEquals(Nfs3.ERR_EXIST, status(() -> nfs.mkdir(root, "hard", SetAttr.NONE)));
        assertEquals(Nfs3.ERR_NAMETOOLONG, status(() -> nfs.create(root, "n".repeat(256), Nfs3.GUARDED, SetAttr.NONE)));
    }

    @Test
    void badAndStaleHandles() {
        assertEquals(Nfs3.ERR_BADHANDLE, status(() -> nfs.getattr(new byte[16])));
        byte[] foreign = root.clone();
        foreign[0] ^= 1; // another volume
        assertEquals(Nfs3.ERR_STALE, status(() -> nfs.getattr(foreign)));
        var f = nfs.create(root, "gone", Nfs3.GUARDED, SetAttr.NONE);
        nfs.remove(root, "gone");
        assertEquals(Nfs3.ERR_STALE, status(() -> nfs.read(f.fh(), 0, 10)));
        assertEquals(Nfs3.ERR_STALE, status(() -> nfs.write(f.fh(), 0, bytes("x"), Nfs3.UNSTABLE)));
    }

    @Test
    void permissionsOfNonRootCallers() {
        var d = nfs.mkdir(root, "private", SetAttr.mode(0755));
        try (var user = server.as(1000, 1000)) {
            assertEquals(Nfs3.ERR_ACCES, status(() -> user.create(d.fh(), "f", Nfs3.GUARDED, SetAttr.NONE)));
            assertEquals(Access.READ | Access.LOOKUP, user.access(d.fh(), Access.READ | Access.LOOKUP | Access.MODIFY));
            byte[] shared = nfs.mkdir(root, "shared", SetAttr.mode(0777)).fh();
            var mine = user.create(shared, "mine", Nfs3.GUARDED, SetAttr.mode(0600));
            assertEquals(1000, mine.attr().uid());
            assertEquals(Nfs3.ERR_ACCES, status(() -> server.as(1001, 1001).read(mine.fh(), 0, 1)));
        }
    }

    @Test
    void retransmittedRemoveGetsTheOriginalReply() {
        nfs.create(root, "victim", Nfs3.GUARDED, SetAttr.NONE);
        int xid = 0x5eed;
        nfs.remove(xid, root, "victim");
        // same xid, same arguments: the cached OK, not NOENT
        assertNotNull(nfs.remove(xid, root, "victim"));
        assertEquals(Nfs3.ERR_NOENT, status(() -> nfs.remove(root, "victim")));
    }

    @Test
    void readdirplusHonoursByteLimitsAndResumesByCookie() {
        Set<String> expected = new HashSet<>(Set.of(".", "..", ".nbd"));
        for (int i = 0; i < 200; i++) {
            String name = "file-" + i;
            nfs.create(root, name, Nfs3.GUARDED, SetAttr.NONE);
            expected.add(name);
        }
        var seen = new HashSet<String>();
        long cookie = 0, verifier = 0;
        int pages = 0;
        while (true) {
            var page = nfs.readdirplus(root, cookie, verifier, 1024, 4096);
            pages++;
            assertTrue(page.entries().size() <= 4096 / 150, "entries per 4 KiB page: " + page.entries().size());
            for (var e : page.entries()) {
                assertTrue(seen.add(e.name()), "duplicate " + e.name());
                assertNotNull(e.attr());
                assertNotNull(e.fh());
            }
            if (page.eof()) break;
            cookie = page.entries().getLast().cookie();
            verifier = page.cookieVerifier();
        }
        assertEquals(expected, seen);
        assertTrue(pages > 5, "pages: " + pages);
        // a small dircount limits the names even when maxcount would allow more
        assertTrue(nfs.readdirplus(root, 0, 0, 100, 65536).entries().size() <= 4);
        assertEquals(Nfs3.ERR_TOOSMALL, status(() -> nfs.readdirplus(root, 0, 0, 1024, 120)));
        assertEquals(Nfs3.ERR_BAD_COOKIE, status(() -> nfs.readdir(root, 5, 12345, 4096)));
    }

    @Test
    void subdirectoryMountAndMountErrors() {
        nfs.mkdir(root, "exports", SetAttr.NONE);
        var sub = nfs.mkdir(nfs.lookup(root, "exports").fh(), "a", SetAttr.NONE);
        assertArrayEquals(sub.fh(), nfs.mount("/exports/a"));
        nfs.create(root, "file", Nfs3.GUARDED, SetAttr.NONE);
        assertEquals(Mount3.ERR_NOENT, status(() -> nfs.mount("/missing")));
        assertEquals(Mount3.ERR_NOTDIR, status(() -> nfs.mount("/file")));
        nfs.unmount("/exports/a");
    }

    private static Set<String> names(List<NfsClient.DirEntry> entries) {
        return entries.stream().map(NfsClient.DirEntry::name).collect(Collectors.toSet());
    }
}
