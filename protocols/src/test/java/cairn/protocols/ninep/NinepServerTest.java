package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;
import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.fs.Attr;
import cairn.engine.fs.CairnFileSystem;
import cairn.engine.fs.Caller;
import cairn.engine.fs.FsException;
import cairn.engine.fs.FsOptions;
import cairn.engine.fs.LockOwner;
import cairn.engine.fs.LockRequest;
import cairn.engine.fs.StatFs;
import cairn.engine.fs.ValueTransform;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.protocols.ninep.client.NinepClient;
import cairn.protocols.ninep.client.NinepException;
import cairn.protocols.ninep.wire.Dirent;
import cairn.protocols.ninep.wire.Qid;
import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage.*;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every 9P2000.L message through our client against our server, happy and error paths. */
class NinepServerTest {
    private FsProbe probe;
    private FileSystem fs;
    private ServerFixture fx;
    private NinepClient c;

    @BeforeEach
    void start() {
        probe = new FsProbe();
        fs = probe.fs;
        fx = new ServerFixture(fs, NinepOptions.defaults());
        c = fx.attached(0);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static void assertErrno(Errno expected, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(NinepException.class, call);
        assertEquals(expected.code, e.errno(), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Creates {@code name} in the root with {@code content}, directly in the filesystem (fast setup). */
    private void createFile(String name, String content, int mode) {
        long ino = fs.create(Caller.ROOT, FileSystem.ROOT_INODE, name, mode, true).ino();
        fs.write(Caller.ROOT, ino, 0, bytes(content));
    }

    // ---- version and attach ---------------------------------------------------------------------------

    @Test
    void versionCapsMsizeAndRefusesOtherDialects() throws IOException {
        try (var raw = NinepClient.open(fx.address(), 8 << 20, Duration.ofSeconds(10))) {
            assertEquals("unknown", raw.version(8 << 20, "9P2000.u").version());
            assertErrno(Errno.EINVAL, () -> raw.version(512, VERSION));
            Rversion v = raw.version(8 << 20, VERSION);
            assertEquals(VERSION, v.version());
            assertEquals(1 << 20, v.msize());
        }
    }

    @Test
    void versionMidSessionClunksEveryFidAndReleasesPins() {
        createFile("f", "data", 0644);
        int f = c.newFid();
        long ino = c.walkAll(0, f, "f").path();
        c.lopen(f, O_RDONLY);
        c.unlinkat(0, "f", 0);
        assertEquals(VERSION, c.version(ServerFixture.MSIZE, VERSION).version());
        assertErrno(Errno.EBADF, () -> c.getattr(0, GETATTR_BASIC));
        assertErrno(Errno.EBADF, () -> c.read(f, 0, 1));
        assertThrows(FsException.class, () -> fs.getattr(ino), "the open pin was released");
        assertEquals("unknown", c.version(ServerFixture.MSIZE, "9P2000.u").version());
        assertErrno(Errno.EINVAL, () -> c.attach(0, "", "", 0)); // unusable until a good Tversion
    }

    @Test
    void requestsBeforeVersionAreRefused() throws IOException {
        try (var raw = NinepClient.open(fx.address(), 65536, Duration.ofSeconds(10))) {
            assertErrno(Errno.EINVAL, () -> raw.attach(0, "", "", 0));
        }
    }

    @Test
    void authIsNotOffered() {
        var r = c.call(t -> new Tauth(t, 5, "", "", 0));
        assertEquals(new Rlerror(((Rlerror) r).tag(), Errno.EOPNOTSUPP.code), r);
        var attach = c.call(t -> new Tattach(t, 9, 5, "", "", 0));
        assertEquals(Errno.EBADF.code, assertInstanceOf(Rlerror.class, attach).ecode());
    }

    @Test
    void anameSelectsSubdirectoryAndDotDotStaysInside() {
        Qid sub = c.mkdir(0, "sub", 0755, 0);
        c.mkdir(0, "other", 0755, 0);
        var c2 = fx.connect();
        Qid root = c2.attach(1, "", "/sub", 0);
        assertEquals(sub, root);
        assertEquals(Qid.QTDIR, root.type());
        List<Qid> up = c2.walk(1, 2, "..", "..");
        assertEquals(List.of(sub, sub), up);
        assertErrno(Errno.ENOENT, () -> c2.walk(1, 3, "other"));
        assertErrno(Errno.ENOENT, () -> c2.attach(4, "", "missing", 0));
    }

    // ---- walk and fid lifetime ------------------------------------------------------------------------

    @Test
    void partialWalkReturnsPrefixAndCreatesNoFid() {
        c.mkdir(0, "a", 0755, 0);
        int a = c.newFid();
        c.walk(0, a, "a");
        c.mkdir(a, "b", 0755, 0);
        int f = c.newFid();
        List<Qid> qids = c.walk(0, f, "a", "b", "missing", "x");
        assertEquals(2, qids.size());
        assertEquals(Qid.QTDIR, qids.get(1).type());
        assertErrno(Errno.EBADF, () -> c.getattr(f, GETATTR_BASIC));
        assertErrno(Errno.ENOENT, () -> c.walk(0, f, "missing"));
        assertErrno(Errno.EBADF, () -> c.getattr(f, GETATTR_BASIC));
    }

    @Test
    void walkWithZeroNamesClonesAndSameFidWalkReplaces() {
        c.mkdir(0, "d", 0755, 0);
        int clone = c.newFid();
        assertEquals(List.of(), c.walk(0, clone));
        assertEquals(FileSystem.ROOT_INODE, c.getattr(clone, GETATTR_INO).qid().path());
        c.walk(clone, clone, "d");
        assertEquals(Qid.QTDIR, c.getattr(clone, GETATTR_BASIC).qid().type());
        assertNotEquals(FileSystem.ROOT_INODE, c.getattr(clone, GETATTR_INO).qid().path());
    }

    @Test
    void fidMisuseIsEbadf() {
        createFile("f", "x", 0644);
        int f = c.newFid();
        c.walk(0, f, "f");
        assertErrno(Errno.EBADF, () -> c.walk(0, f, "f")); // newfid in use
        assertErrno(Errno.EBADF, () -> c.read(f, 0, 10)); // not open
        assertErrno(Errno.EBADF, () -> c.getattr(999, GETATTR_BASIC)); // unknown
        c.lopen(f, O_RDONLY);
        assertErrno(Errno.EBADF, () -> c.lopen(f, O_RDONLY)); // open twice
        assertErrno(Errno.EBADF, () -> c.walk(f, f)); // walk in place of an open fid
        int clone = c.walkClone(f); // a walk from it to a new fid is allowed (diod and QEMU allow it)
        assertErrno(Errno.EBADF, () -> c.read(clone, 0, 1)); // the clone is not open
        c.clunk(clone);
        assertErrno(Errno.EBADF, () -> c.write(f, 0, bytes("y"))); // read-only open
        c.clunk(f);
        assertErrno(Errno.EBADF, () -> c.clunk(f)); // reuse after clunk
        assertErrno(Errno.EBADF, () -> c.attach(0, "", "", 0)); // attach fid in use
    }

    // ---- open, create, read, write --------------------------------------------------------------------

    @Test
    void createWriteReadTruncate() {
        int f = c.newFid();
        c.walk(0, f);
        Rlcreate created = c.lcreate(f, "file", O_RDWR, 0640, 0);
        assertEquals(Qid.QTFILE, created.qid().type());
        assertEquals(ServerFixture.MSIZE - IOHDRSZ, created.iounit());
        assertEquals(5, c.write(f, 0, bytes("hello")));
        c.write(f, 10, bytes("end"));
        byte[] all = c.read(f, 0, 100);
        assertEquals(13, all.length);
        assertEquals("hello", new String(all, 0, 5, StandardCharsets.UTF_8));
        assertEquals(0, all[7]);
        assertEquals(0, c.read(f, 100, 10).length);
        c.clunk(f);

        int g = c.newFid();
        c.walk(0, g, "file");
        assertErrno(Errno.EEXIST, () -> c.lcreate(c.walkClone(0), "file", O_RDWR | O_EXCL, 0640, 0));
        c.lopen(g, O_WRONLY | O_TRUNC);
        c.clunk(g);
        int h = c.newFid();
        c.walk(0, h, "file");
        Rgetattr a = c.getattr(h, GETATTR_ALL);
        assertEquals(0, a.size());
        assertEquals(0100640, a.mode());
    }

    @Test
    void appendWritesAtEnd() {
        createFile("log", "abc", 0644);
        int f = c.newFid();
        c.walk(0, f, "log");
        c.lopen(f, O_WRONLY | O_APPEND);
        c.write(f, 0, bytes("def"));
        c.clunk(f);
        int r = c.newFid();
        c.walk(0, r, "log");
        c.lopen(r, O_RDONLY);
        assertEquals("abcdef", new String(c.readAll(r, 0), StandardCharsets.UTF_8));
    }

    @Test
    void largeReadsAndWritesAreCutToMsize() {
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        int f = c.newFid();
        c.walk(0, f);
        c.lcreate(f, "big", O_RDWR, 0644, 0);
        c.writeAll(f, 0, big);
        byte[] first = c.read(f, 0, Integer.MAX_VALUE);
        assertEquals(ServerFixture.MSIZE - RREAD_HEADER_BYTES, first.length);
        assertArrayEquals(big, c.readAll(f, 0));
    }

    @Test
    void openOfDirectoryForWriteIsEisdir() {
        int d = c.newFid();
        c.walk(0, d);
        assertErrno(Errno.EISDIR, () -> c.lopen(d, O_RDWR));
        c.lopen(d, O_RDONLY | O_DIRECTORY);
        assertErrno(Errno.EISDIR, () -> c.read(d, 0, 10));
    }

    @Test
    void clunkAndDisconnectReleaseOpenInodes() {
        // an unlinked file lives while a fid has it open and is reclaimed at the last release
        createFile("f", "data", 0644);
        int f = c.newFid();
        long ino = c.walkAll(0, f, "f").path();
        c.lopen(f, O_RDONLY);
        c.unlinkat(0, "f", 0);
        assertEquals(4, fs.getattr(ino).size(), "open unlinked inode still there");
        c.clunk(f);
        assertThrows(FsException.class, () -> fs.getattr(ino), "released at clunk");

        createFile("g", "data", 0644);
        var other = fx.attached(0);
        long gino = other.walkAll(0, 1, "g").path();
        other.lopen(1, O_RDONLY);
        other.walk(0, 2, "g");
        other.lopen(2, O_RDONLY);
        c.unlinkat(0, "g", 0);
        assertEquals(4, fs.getattr(gino).size());
        other.close();
        waitFor(() -> {
            try {
                fs.getattr(gino);
                return false;
            } catch (FsException gone) {
                return true;
            }
        });
    }

    @Test
    void openUnlinkedFileStaysReadable() {
        createFile("tmp", "still here", 0644);
        int f = c.newFid();
        c.walk(0, f, "tmp");
        c.lopen(f, O_RDONLY);
        c.unlinkat(0, "tmp", 0);
        assertErrno(Errno.ENOENT, () -> c.walk(0, c.newFid(), "tmp"));
        assertEquals("still here", new String(c.readAll(f, 0), StandardCharsets.UTF_8));
        c.clunk(f);
    }

    // ---- namespace -------------------------------------------------------------------------------------

    @Test
    void mkdirSymlinkMknodLinkReadlink() {
        Qid d = c.mkdir(0, "dir", 0750, 0);
        assertEquals(Qid.QTDIR, d.type());
        assertErrno(Errno.EEXIST, () -> c.mkdir(0, "dir", 0750, 0));
        Qid l = c.symlink(0, "link", "dir/target", 0);
        assertEquals(Qid.QTSYMLINK, l.type());
        int lf = c.newFid();
        c.walk(0, lf, "link");
        assertEquals("dir/target", c.readlink(lf));

        c.mknod(0, "fifo", 0010644, 0, 0, 0);
        c.mknod(0, "tty", 0020600, 4, 65, 0);
        int tf = c.newFid();
        c.walk(0, tf, "tty");
        Rgetattr tty = c.getattr(tf, GETATTR_ALL);
        assertEquals(0020600, tty.mode());
        assertEquals((4L << 8) | 65, tty.rdev());
        assertErrno(Errno.EINVAL, () -> c.mknod(0, "bad", 0040755, 0, 0, 0));

        createFile("orig", "x", 0644);
        int of = c.newFid();
        c.walk(0, of, "orig");
        c.link(0, of, "hard");
        assertEquals(2, c.getattr(of, GETATTR_NLINK).nlink());
        assertErrno(Errno.EEXIST, () -> c.link(0, of, "hard"));
        assertErrno(Errno.EINVAL, () -> c.mkdir(0, "a/b", 0755, 0));
    }

    @Test
    void renameRenameatUnlinkatRemove() {
        c.mkdir(0, "d1", 0755, 0);
        c.mkdir(0, "d2", 0755, 0);
        createFile("f", "x", 0644);
        int d2 = c.newFid();
        c.walk(0, d2, "d2");
        int f = c.newFid();
        c.walk(0, f, "f");
        c.rename(f, d2, "g");
        assertErrno(Errno.ENOENT, () -> c.walk(0, c.newFid(), "f"));
        c.walk(0, c.newFid(), "d2", "g");
        c.renameat(d2, "g", 0, "h");
        c.walk(0, c.newFid(), "h");
        assertErrno(Errno.ENOENT, () -> c.renameat(0, "nope", 0, "x"));

        c.renameat(0, "h", d2, "inner");
        assertErrno(Errno.ENOTEMPTY, () -> c.unlinkat(0, "d2", AT_REMOVEDIR));
        assertErrno(Errno.EISDIR, () -> c.unlinkat(0, "d1", 0));
        c.unlinkat(d2, "inner", 0);
        c.unlinkat(0, "d2", AT_REMOVEDIR);
        assertErrno(Errno.ENOENT, () -> c.unlinkat(0, "d2", AT_REMOVEDIR));

        int d1 = c.newFid();
        c.walk(0, d1, "d1");
        c.remove(d1);
        assertErrno(Errno.EBADF, () -> c.getattr(d1, GETATTR_BASIC)); // remove clunks
        assertErrno(Errno.ENOENT, () -> c.walk(0, c.newFid(), "d1"));
        int root = c.newFid();
        c.walk(0, root);
        assertErrno(Errno.EBUSY, () -> c.remove(root));
    }

    @Test
    void readdirPagesWithStableOffsets() {
        Set<String> expected = new HashSet<>(List.of(".", "..", CairnFileSystem.NBD_DIR));
        for (int i = 0; i < 300; i++) {
            String name = "entry-with-a-longish-name-" + i;
            createFile(name, "", 0644);
            expected.add(name);
        }
        int d = c.newFid();
        c.walk(0, d);
        c.lopen(d, O_RDONLY);
        List<Dirent> first = c.readdir(d, 0, 200);
        assertTrue(first.size() >= 2 && first.size() < 10, "count bounds the reply: " + first.size());
        assertEquals(".", first.get(0).name());
        assertEquals(1, first.get(0).offset());
        assertEquals("..", first.get(1).name());
        assertEquals(2, first.get(1).offset());
        List<Dirent> all = new ArrayList<>();
        long offset = 0;
        for (List<Dirent> page; !(page = c.readdir(d, offset, 300)).isEmpty(); ) {
            all.addAll(page);
            offset = page.get(page.size() - 1).offset();
        }
        assertEquals(expected, all.stream().map(Dirent::name).collect(Collectors.toSet()));
        assertEquals(expected.size(), all.size());
        Dirent mid = all.get(150);
        List<Dirent> resumed = c.readdir(d, all.get(149).offset(), 8192);
        assertEquals(mid, resumed.get(0));
        assertEquals(DT_REG, mid.type());
        assertEquals(DT_DIR, all.get(0).type());

        int f = c.newFid();
        c.walk(0, f, "entry-with-a-longish-name-1");
        c.lopen(f, O_RDONLY);
        assertErrno(Errno.ENOTDIR, () -> c.readdir(f, 0, 8192));
        int unopened = c.newFid();
        c.walk(0, unopened);
        assertErrno(Errno.EBADF, () -> c.readdir(unopened, 0, 8192));
    }

    // ---- attributes ------------------------------------------------------------------------------------

    @Test
    void getattrFillsRequestedBitsAndSetattrAppliesEveryBit() {
        createFile("f", "12345", 0644);
        int f = c.newFid();
        c.walk(0, f, "f");
        Rgetattr a = c.getattr(f, GETATTR_ALL);
        assertEquals(GETATTR_ALL & ~GETATTR_DATA_VERSION, a.valid());
        assertEquals(GETATTR_BASIC, c.getattr(f, GETATTR_BASIC).valid());
        assertEquals(5, a.size());
        assertEquals(1, a.nlink());
        Attr real = fs.getattr(a.qid().path());
        assertEquals(fs.statfs().blockSize(), a.blksize());
        assertEquals((real.usedBytes() + 511) / 512, a.blocks());
        assertEquals(real.generation(), a.gen());
        assertEquals((int) real.generation(), a.qid().version());
        assertEquals(real.ctimeNs() / 1_000_000_000L, a.ctimeSec());
        assertEquals(real.btimeNs() % 1_000_000_000L, a.btimeNsec());

        c.setattr(f, SETATTR_MODE | SETATTR_SIZE | SETATTR_ATIME | SETATTR_ATIME_SET | SETATTR_MTIME
                | SETATTR_MTIME_SET, 0100600, 0, 0, 2, 1000, 5, 2000, 7);
        Rgetattr b = c.getattr(f, GETATTR_ALL);
        assertEquals(0100600, b.mode());
        assertEquals(2, b.size());
        assertEquals(1000, b.atimeSec());
        assertEquals(5, b.atimeNsec());
        assertEquals(2000, b.mtimeSec());
        assertEquals(7, b.mtimeNsec());
        c.setattr(f, SETATTR_UID | SETATTR_GID, 0, 42, 43, 0, 0, 0, 0, 0);
        Rgetattr o = c.getattr(f, GETATTR_ALL);
        assertEquals(42, o.uid());
        assertEquals(43, o.gid());
        c.setattr(f, SETATTR_MTIME, 0, 0, 0, 0, 0, 0, 0, 0);
        assertTrue(c.getattr(f, GETATTR_ALL).mtimeSec() > 1_600_000_000L, "MTIME without MTIME_SET is now");
        assertErrno(Errno.EINVAL, () -> c.setattr(f, SETATTR_ATIME | SETATTR_ATIME_SET, 0, 0, 0, 0, 1, 2_000_000_000L,
                0, 0));
    }

    @Test
    void statfsReportsVolume() {
        Rstatfs s = c.statfs(0);
        StatFs real = fs.statfs();
        assertEquals(V9FS_MAGIC, s.type());
        assertEquals(real.blockSize(), s.bsize());
        assertEquals(real.totalBytes() / real.blockSize(), s.blocks());
        assertEquals(real.availableBytes() / real.blockSize(), s.bavail());
        assertEquals(real.freeInodes(), s.ffree());
        assertEquals(real.nameMax(), s.namelen());
    }

    @Test
    void fsyncReachesFilesystem() {
        createFile("f", "x", 0644);
        int f = c.newFid();
        long ino = c.walkAll(0, f, "f").path();
        c.lopen(f, O_RDWR);
        c.fsync(f);
        assertEquals(List.of(ino), probe.fsyncs);
    }

    // ---- identity ----------------------------------------------------------------------------------------

    @Test
    void nonRootUnameGetsEacces() {
        createFile("secret", "s", 0600);
        c.mkdir(0, "locked", 0755, 0);
        var user = fx.attached(1000);
        int f = user.newFid();
        user.walk(0, f, "secret");
        assertErrno(Errno.EACCES, () -> user.lopen(f, O_RDONLY));
        int d = user.newFid();
        user.walk(0, d, "locked");
        assertErrno(Errno.EACCES, () -> user.mkdir(d, "x", 0755, 1000));
        assertErrno(Errno.EACCES, () -> user.mkdir(0, "mine", 0700, 1000)); // root is 0755
        c.mkdir(0, "pub", 0777, 0);
        int pub = user.newFid();
        user.walk(0, pub, "pub");
        Qid mine = user.mkdir(pub, "mine", 0700, 1000);
        int m = user.newFid();
        user.walk(pub, m, "mine");
        Rgetattr a = user.getattr(m, GETATTR_ALL);
        assertEquals(1000, a.uid());
        assertEquals(1000, a.gid());
        assertEquals(mine, a.qid());
    }

    @Test
    void squashedServerIgnoresClientUid() {
        try (var squash = new ServerFixture(fs, NinepOptions.defaults().squashAll(4000, 4001))) {
            c.mkdir(0, "pub", 0777, 0);
            var user = squash.attached(0);
            int pub = user.newFid();
            user.walk(0, pub, "pub");
            user.mkdir(pub, "squashed", 0755, 0);
            int d = user.newFid();
            user.walk(pub, d, "squashed");
            Rgetattr a = user.getattr(d, GETATTR_ALL);
            assertEquals(4000, a.uid());
            assertEquals(4001, a.gid());
        }
    }

    @Test
    void readOnlyVolumeIsErofs() {
        createFile("f", "x", 0644);
        var replica = CairnFileSystem.open(probe.db.readOnlyReplica(), FsOptions.defaults(), ValueTransform.IDENTITY);
        try (var ro = new ServerFixture(replica, NinepOptions.defaults())) {
            var r = ro.attached(0);
            assertErrno(Errno.EROFS, () -> r.mkdir(0, "d", 0755, 0));
            int f = r.newFid();
            r.walk(0, f, "f");
            assertErrno(Errno.EROFS, () -> r.lopen(f, O_RDWR));
            assertErrno(Errno.EROFS, () -> r.lcreate(r.walkClone(0), "new", O_RDWR, 0644, 0));
            r.lopen(f, O_RDONLY);
            assertEquals("x", new String(r.readAll(f, 0), StandardCharsets.UTF_8));
            assertErrno(Errno.EROFS, () -> r.setxattr(0, "user.a", bytes("v"), 0));
        }
    }

    // ---- xattrs ------------------------------------------------------------------------------------------

    @Test
    void xattrSetGetListRemoveWithFlags() {
        createFile("f", "x", 0644);
        int f = c.newFid();
        c.walk(0, f, "f");
        assertEquals(List.of(), c.listxattr(f));
        c.setxattr(f, "user.a", bytes("alpha"), 0);
        c.setxattr(f, "user.b", new byte[5000], XATTR_CREATE);
        assertArrayEquals(bytes("alpha"), c.getxattr(f, "user.a"));
        assertEquals(5000, c.getxattr(f, "user.b").length);
        assertEquals(List.of("user.a", "user.b"), c.listxattr(f));
        assertErrno(Errno.EEXIST, () -> c.setxattr(f, "user.a", bytes("x"), XATTR_CREATE));
        assertErrno(Errno.ENODATA, () -> c.setxattr(f, "user.c", bytes("x"), XATTR_REPLACE));
        c.setxattr(f, "user.a", bytes("beta"), XATTR_REPLACE);
        assertArrayEquals(bytes("beta"), c.getxattr(f, "user.a"));
        c.removexattr(f, "user.a");
        assertErrno(Errno.ENODATA, () -> c.getxattr(f, "user.a"));
        assertErrno(Errno.ENODATA, () -> c.removexattr(f, "user.a"));
        assertErrno(Errno.E2BIG, () -> c.xattrcreate(c.walkClone(f), "user.big", XATTR_SIZE_MAX + 1, 0));
    }

    @Test
    void xattrShortWriteFailsAtClunk() {
        int x = c.walkClone(0);
        c.xattrcreate(x, "user.short", 10, 0);
        c.write(x, 0, bytes("abc"));
        assertErrno(Errno.EINVAL, () -> c.clunk(x));
        assertErrno(Errno.EBADF, () -> c.clunk(x));
        assertErrno(Errno.ENODATA, () -> c.getxattr(0, "user.short"));
    }

    // ---- locks -------------------------------------------------------------------------------------------

    @Test
    void locksConflictAcrossSessionsAndDieWithTheConnection() {
        createFile("f", "x", 0644);
        var other = fx.attached(0);
        int f = c.newFid();
        c.walk(0, f, "f");
        c.lopen(f, O_RDWR);
        other.walk(0, 5, "f");
        other.lopen(5, O_RDWR);

        assertEquals(LOCK_SUCCESS, c.lock(f, LOCK_TYPE_WRLCK, 0, 0, 100, 11, "hostA"));
        assertEquals(LOCK_SUCCESS, c.lock(f, LOCK_TYPE_WRLCK, 0, 0, 100, 11, "hostA")); // same owner
        assertEquals(LOCK_BLOCKED, other.lock(5, LOCK_TYPE_RDLCK, LOCK_FLAGS_BLOCK, 50, 10, 22, "hostA"));
        assertEquals(LOCK_SUCCESS, other.lock(5, LOCK_TYPE_WRLCK, 0, 100, 0, 22, "hostA")); // disjoint, to EOF
        Rgetlock held = other.getlock(5, LOCK_TYPE_RDLCK, 0, 10, 22, "hostA");
        assertEquals(LOCK_TYPE_WRLCK, held.type());
        assertEquals(0, held.start());
        assertEquals(100, held.length());
        assertEquals(11, held.procId());
        assertEquals("hostA", held.clientId());
        Rgetlock free = c.getlock(f, LOCK_TYPE_WRLCK, 0, 50, 11, "hostA");
        assertEquals(LOCK_TYPE_UNLCK, free.type());
        assertErrno(Errno.EINVAL, () -> c.lock(f, 7, 0, 0, 1, 11, "hostA"));

        c.close();
        waitFor(() -> {
            try {
                return other.lock(5, LOCK_TYPE_WRLCK, 0, 0, 100, 22, "hostA") == LOCK_SUCCESS;
            } catch (NinepException e) {
                return false;
            }
        });
        assertEquals(LOCK_SUCCESS, other.lock(5, LOCK_TYPE_UNLCK, 0, 0, 0, 22, "hostA"));
        long ino = fs.getattr(other.getattr(5, GETATTR_INO).qid().path()).ino();
        var probeOwner = new LockOwner("test", 1);
        assertNull(fs.testLock(ino, new LockRequest(probeOwner, LockRequest.Type.WRITE, 0, 0)), "no lock left");
    }

    // ---- transport -------------------------------------------------------------------------------------

    @Test
    void unixDomainSocket(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("9p.sock");
        var server = new NinepServer(fs, NinepOptions.defaults());
        server.start(List.of(), sock);
        try (var u = NinepClient.connect(UnixDomainSocketAddress.of(sock), 65536)) {
            assertEquals(FileSystem.ROOT_INODE, u.attach(0, "", "", 0).path());
            assertEquals(V9FS_MAGIC, u.statfs(0).type());
        } finally {
            server.stop();
        }
        assertFalse(Files.exists(sock));
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not met within 10 s");
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
