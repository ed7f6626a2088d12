package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import cairn.engine.lsm.LsmDb;

import java.util.List;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

class NamespaceTest {
    private final FsFixture fx = new FsFixture();
    private final CairnFileSystem fs = fx.fs;
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void formatsRootAndNbdDirectory() {
        Attr r = fs.getattr(ROOT_INODE);
        assertEquals(FileType.DIRECTORY, r.type());
        assertEquals(0755, r.mode());
        assertEquals(0, r.uid());
        assertEquals(3, r.nlink(), "2 + the .nbd subdirectory");
        Attr nbd = fs.lookup(root, ROOT_INODE, CairnFileSystem.NBD_DIR);
        assertEquals(FileType.DIRECTORY, nbd.type());
        assertEquals(ROOT_INODE, fs.lookup(root, ROOT_INODE, "..").ino());
        assertEquals(ROOT_INODE, fs.lookup(root, nbd.ino(), "..").ino());
        assertEquals(2, fs.usedInodes());
    }

    @Test
    void createLookupExclusiveAndNonExclusive() {
        Attr a = fs.create(root, ROOT_INODE, "f", 0644, true);
        assertEquals(a.ino(), fs.lookup(root, ROOT_INODE, "f").ino());
        assertErrno(Errno.EEXIST, () -> fs.create(root, ROOT_INODE, "f", 0644, true));
        assertEquals(a.ino(), fs.create(root, ROOT_INODE, "f", 0600, false).ino());
        fs.mkdir(root, ROOT_INODE, "d", 0755);
        assertErrno(Errno.EISDIR, () -> fs.create(root, ROOT_INODE, "d", 0644, false));
        assertErrno(Errno.EEXIST, () -> fs.mkdir(root, ROOT_INODE, "f", 0755));
        assertErrno(Errno.EEXIST, () -> fs.mkdir(root, ROOT_INODE, ".", 0755));
        assertErrno(Errno.ENOTDIR, () -> fs.create(root, a.ino(), "x", 0644, true));
        assertErrno(Errno.ENOENT, () -> fs.lookup(root, ROOT_INODE, "missing"));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.create(root, ROOT_INODE, "x".repeat(256), 0644, true));
        assertErrno(Errno.EINVAL, () -> fs.create(root, ROOT_INODE, "a/b", 0644, true));
    }

    @Test
    void directoryLinkCountsFollowSubdirectories() {
        Attr d = fs.mkdir(root, ROOT_INODE, "d", 0755);
        assertEquals(2, d.nlink());
        fs.mkdir(root, d.ino(), "s1", 0755);
        fs.mkdir(root, d.ino(), "s2", 0755);
        fs.create(root, d.ino(), "f", 0644, true);
        assertEquals(4, fs.getattr(d.ino()).nlink());
        assertErrno(Errno.ENOTEMPTY, () -> fs.rmdir(root, ROOT_INODE, "d"));
        fs.rmdir(root, d.ino(), "s1");
        assertEquals(3, fs.getattr(d.ino()).nlink());
        assertErrno(Errno.ENOTDIR, () -> fs.rmdir(root, d.ino(), "f"));
        assertErrno(Errno.EISDIR, () -> fs.unlink(root, d.ino(), "s2"));
        assertErrno(Errno.EINVAL, () -> fs.rmdir(root, d.ino(), "."));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rmdir(root, d.ino(), ".."));
    }

    @Test
    void hardLinksShareTheInode() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        Attr d = fs.mkdir(root, ROOT_INODE, "d", 0755);
        Attr l = fs.link(root, f.ino(), d.ino(), "g");
        assertEquals(2, l.nlink());
        fs.write(root, f.ino(), 0, "hello".getBytes(StandardCharsets.UTF_8));
        fs.unlink(root, ROOT_INODE, "f");
        assertEquals(1, fs.getattr(f.ino()).nlink());
        assertEquals("hello", new String(fs.read(root, fs.lookup(root, d.ino(), "g").ino(), 0, 10).data(), StandardCharsets.UTF_8));
        assertErrno(Errno.EPERM, () -> fs.link(root, d.ino(), ROOT_INODE, "dd"));
        assertErrno(Errno.EEXIST, () -> fs.link(root, f.ino(), d.ino(), "g"));
        fs.unlink(root, d.ino(), "g");
        assertErrno(Errno.ESTALE, () -> fs.getattr(f.ino()));
    }

    @Test
    void symlinksAndSpecialFiles() {
        Attr s = fs.symlink(root, ROOT_INODE, "s", "../target/path");
        assertEquals(FileType.SYMLINK, s.type());
        assertEquals(14, s.size());
        assertEquals("../target/path", fs.readlink(root, s.ino()));
        assertErrno(Errno.EINVAL, () -> fs.readlink(root, ROOT_INODE));
        assertErrno(Errno.ENOENT, () -> fs.symlink(root, ROOT_INODE, "e", ""));
        Attr fifo = fs.mknod(root, ROOT_INODE, "p", FileType.FIFO, 0600, new DeviceNumber(9, 9));
        assertEquals(DeviceNumber.NONE, fifo.rdev());
        Attr blk = fs.mknod(root, ROOT_INODE, "b", FileType.BLOCK_DEVICE, 0600, new DeviceNumber(8, 1));
        assertEquals(new DeviceNumber(8, 1), blk.rdev());
        assertEquals(0060600, blk.statMode());
        fs.mknod(root, ROOT_INODE, "sock", FileType.SOCKET, 0600, DeviceNumber.NONE);
        assertErrno(Errno.EINVAL, () -> fs.mknod(root, ROOT_INODE, "x", FileType.DIRECTORY, 0600, DeviceNumber.NONE));
        assertErrno(Errno.EINVAL, () -> fs.write(root, fifo.ino(), 0, new byte[1]));
    }

    @Test
    void renameFilesAndDirectories() {
        Attr a = fs.mkdir(root, ROOT_INODE, "a", 0755);
        Attr b = fs.mkdir(root, ROOT_INODE, "b", 0755);
        Attr f = fs.create(root, a.ino(), "f", 0644, true);
        fs.rename(root, a.ino(), "f", b.ino(), "g", RenameMode.REPLACE);
        assertEquals(f.ino(), fs.lookup(root, b.ino(), "g").ino());
        assertErrno(Errno.ENOENT, () -> fs.lookup(root, a.ino(), "f"));
        // directory move updates parents and link counts
        Attr sub = fs.mkdir(root, a.ino(), "sub", 0755);
        fs.rename(root, a.ino(), "sub", b.ino(), "sub2", RenameMode.REPLACE);
        assertEquals(2, fs.getattr(a.ino()).nlink());
        assertEquals(3, fs.getattr(b.ino()).nlink());
        assertEquals(b.ino(), fs.lookup(root, sub.ino(), "..").ino());
        // loop detection
        assertErrno(Errno.EINVAL, () -> fs.rename(root, ROOT_INODE, "b", sub.ino(), "x", RenameMode.REPLACE));
        assertErrno(Errno.EINVAL, () -> fs.rename(root, ROOT_INODE, "b", b.ino(), "x", RenameMode.REPLACE));
        fs.create(root, sub.ino(), "file", 0644, true);
        // as on Linux, the subtree rule wins over the type rule (b/sub2/file is not a directory)
        assertErrno(Errno.EINVAL, () -> fs.rename(root, b.ino(), "sub2", sub.ino(), "file", RenameMode.REPLACE));
        // type rules when replacing
        fs.create(root, ROOT_INODE, "file", 0644, true);
        assertErrno(Errno.ENOTDIR, () -> fs.rename(root, ROOT_INODE, "a", ROOT_INODE, "file", RenameMode.REPLACE));
        assertErrno(Errno.EISDIR, () -> fs.rename(root, ROOT_INODE, "file", ROOT_INODE, "a", RenameMode.REPLACE));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename(root, ROOT_INODE, "a", ROOT_INODE, "b", RenameMode.REPLACE));
        // replacing an empty directory
        long rootLinks = fs.getattr(ROOT_INODE).nlink();
        fs.rename(root, ROOT_INODE, "b", ROOT_INODE, "a", RenameMode.REPLACE);
        assertEquals(rootLinks - 1, fs.getattr(ROOT_INODE).nlink());
        assertErrno(Errno.ESTALE, () -> fs.getattr(a.ino()));
        assertEquals(b.ino(), fs.lookup(root, ROOT_INODE, "a").ino());
    }

    @Test
    void renameNoReplaceAndExchange() {
        Attr x = fs.create(root, ROOT_INODE, "x", 0644, true);
        Attr d = fs.mkdir(root, ROOT_INODE, "d", 0755);
        Attr y = fs.mkdir(root, d.ino(), "y", 0755);
        assertErrno(Errno.EEXIST, () -> fs.rename(root, ROOT_INODE, "x", ROOT_INODE, "d", RenameMode.NOREPLACE));
        assertErrno(Errno.ENOENT, () -> fs.rename(root, ROOT_INODE, "x", ROOT_INODE, "none", RenameMode.EXCHANGE));
        long rootLinks = fs.getattr(ROOT_INODE).nlink();
        fs.rename(root, ROOT_INODE, "x", d.ino(), "y", RenameMode.EXCHANGE);
        assertEquals(y.ino(), fs.lookup(root, ROOT_INODE, "x").ino());
        assertEquals(x.ino(), fs.lookup(root, d.ino(), "y").ino());
        assertEquals(ROOT_INODE, fs.lookup(root, y.ino(), "..").ino());
        assertEquals(rootLinks + 1, fs.getattr(ROOT_INODE).nlink());
        assertEquals(2, fs.getattr(d.ino()).nlink());
        assertErrno(Errno.EINVAL, () -> fs.rename(root, ROOT_INODE, "d", d.ino(), "y", RenameMode.EXCHANGE));
    }

    @Test
    void renameOverHardLinkOfSameInodeIsANoOp() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        fs.link(root, f.ino(), ROOT_INODE, "g");
        fs.rename(root, ROOT_INODE, "f", ROOT_INODE, "g", RenameMode.REPLACE);
        assertEquals(f.ino(), fs.lookup(root, ROOT_INODE, "f").ino());
        assertEquals(2, fs.getattr(f.ino()).nlink());
    }

    @Test
    void renameReplacingTheLastLinkFreesTheTarget() {
        Attr a = fs.create(root, ROOT_INODE, "a", 0644, true);
        Attr b = fs.create(root, ROOT_INODE, "b", 0644, true);
        fs.write(root, b.ino(), 0, new byte[] {1, 2, 3});
        long inodes = fs.usedInodes();
        fs.rename(root, ROOT_INODE, "a", ROOT_INODE, "b", RenameMode.REPLACE);
        assertEquals(a.ino(), fs.lookup(root, ROOT_INODE, "b").ino());
        assertErrno(Errno.ESTALE, () -> fs.getattr(b.ino()));
        assertEquals(inodes - 1, fs.usedInodes());
        assertEquals(0, fs.usedBytes());
    }

    @Test
    void orphansStayReadableUntilLastRelease() throws Exception {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        fs.write(root, f.ino(), 0, "data".getBytes(StandardCharsets.UTF_8));
        fs.open(f.ino());
        fs.open(f.ino());
        fs.unlink(root, ROOT_INODE, "f");
        assertEquals(0, fs.getattr(f.ino()).nlink());
        assertEquals("data", new String(fs.read(root, f.ino(), 0, 4).data(), StandardCharsets.UTF_8));
        fs.write(root, f.ino(), 4, "more".getBytes(StandardCharsets.UTF_8));
        fs.release(f.ino());
        assertEquals(8, fs.getattr(f.ino()).size());
        fs.release(f.ino());
        assertErrno(Errno.ESTALE, () -> fs.getattr(f.ino()));
        assertEquals(0, fs.usedBytes());
    }

    @Test
    void orphansAreReclaimedAtStartup() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        fs.write(root, f.ino(), 0, new byte[10000]);
        fs.write(root, f.ino(), 20000, new byte[] {7});
        fs.open(f.ino());
        fs.unlink(root, ROOT_INODE, "f");
        fs.syncfs();
        long before = fs.usedInodes();
        CairnFileSystem after = fx.crash();
        assertErrno(Errno.ESTALE, () -> after.getattr(f.ino()));
        assertEquals(before - 1, after.usedInodes());
        assertEquals(0, after.usedBytes());
    }

    @Test
    void handlesResolveAndGoStale() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        FileHandle h = fs.handle(f.ino());
        assertEquals(f.ino(), fs.resolve(FileHandle.fromBytes(h.toBytes())));
        assertErrno(Errno.ESTALE, () -> fs.resolve(new FileHandle(java.util.UUID.randomUUID(), f.ino(), h.generation())));
        assertErrno(Errno.ESTALE, () -> fs.resolve(new FileHandle(h.volume(), f.ino(), h.generation() + 1)));
        fs.unlink(root, ROOT_INODE, "f");
        assertErrno(Errno.ESTALE, () -> fs.resolve(h));
    }

    @Test
    void inodeIdsAreNeverReusedAcrossCrashes() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 7; i++) assertTrue(seen.add(fx.fs.create(root, ROOT_INODE, "f" + round + "_" + i, 0644, true).ino()));
            fx.crash(); // nothing was synced except watermark bumps
        }
        FsOptions small = FsOptions.defaults().withInodeIdBlock(3);
        try (FsFixture f2 = new FsFixture(small)) {
            java.util.Set<Long> seen2 = new java.util.HashSet<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 7; i++) assertTrue(seen2.add(f2.fs.create(root, ROOT_INODE, "f" + round + "_" + i, 0644, true).ino()));
                f2.crash(f2.db.pendingBatches() / 2);
            }
        }
    }

    @Test
    void inodeIdsAreNeverReusedAcrossCrashesOnLsmDb() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        try (FsFixture lsm = FsFixture.onLsm(FsOptions.defaults().withInodeIdBlock(4))) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 6; i++) assertTrue(seen.add(lsm.fs.create(root, ROOT_INODE, "f" + round + "_" + i, 0644, true).ino()));
                lsm.crash();
            }
        }
    }

    @Test
    void replicaOnLsmDbServesReadOnlyAndFollowsTheWriter() throws Exception {
        try (FsFixture lsm = FsFixture.onLsm(FsOptions.defaults());
             LsmDb reader = lsm.openReader();
             CairnFileSystem replica = CairnFileSystem.open(reader, FsOptions.defaults(), ValueTransform.IDENTITY)) {
            assertTrue(replica.readOnly());
            assertEquals(lsm.fs.volumeId(), replica.volumeId());
            Attr f = lsm.fs.create(root, ROOT_INODE, "f", 0644, true);
            lsm.fs.write(root, f.ino(), 0, new byte[] {4, 2});
            lsm.fs.syncfs();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try {
                    assertEquals(f.ino(), replica.lookup(root, ROOT_INODE, "f").ino());
                    assertArrayEquals(new byte[] {4, 2}, replica.read(root, f.ino(), 0, 2).data());
                    break;
                } catch (FsException | AssertionError e) {
                    if (System.nanoTime() > deadline) throw e;
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll until the replica caught up
                }
            }
            assertEquals(lsm.fs.usedInodes(), replica.usedInodes());
            assertErrno(Errno.EROFS, () -> replica.unlink(root, ROOT_INODE, "f"));
        }
    }

    @Test
    void syncModeMakesEveryMetadataOperationDurable() {
        try (FsFixture sync = new FsFixture(FsOptions.defaults().withSyncMode(true))) {
            Attr d = sync.fs.mkdir(root, ROOT_INODE, "d", 0755);
            Attr f = sync.fs.create(root, d.ino(), "f", 0644, true);
            sync.fs.rename(root, d.ino(), "f", ROOT_INODE, "g", RenameMode.REPLACE);
            sync.fs.setxattr(root, f.ino(), "user.k", new byte[] {1}, XattrMode.UPSERT);
            assertEquals(0, sync.db.pendingBatches());
            CairnFileSystem after = sync.crash();
            assertEquals(f.ino(), after.lookup(root, ROOT_INODE, "g").ino());
            assertArrayEquals(new byte[] {1}, after.getxattr(root, f.ino(), "user.k"));
        }
    }

    @Test
    void readOnlyVolumeRefusesEveryMutation() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        CairnFileSystem ro = CairnFileSystem.open(fx.db.readOnlyReplica(), fx.options, ValueTransform.IDENTITY);
        assertTrue(ro.readOnly());
        assertEquals(f.ino(), ro.lookup(root, ROOT_INODE, "f").ino());
        assertErrno(Errno.EROFS, () -> ro.create(root, ROOT_INODE, "g", 0644, true));
        assertErrno(Errno.EROFS, () -> ro.write(root, f.ino(), 0, new byte[1]));
        assertErrno(Errno.EROFS, () -> ro.setattr(root, f.ino(), SetAttr.mode(0600)));
        assertErrno(Errno.EROFS, () -> ro.unlink(root, ROOT_INODE, "f"));
        assertErrno(Errno.EROFS, () -> ro.rename(root, ROOT_INODE, "f", ROOT_INODE, "g", RenameMode.REPLACE));
        assertErrno(Errno.EROFS, () -> ro.setxattr(root, f.ino(), "user.a", new byte[1], XattrMode.UPSERT));
        ro.syncfs();
        ro.close();
    }

    @Test
    void xattrsFollowCreateReplaceSemantics() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        assertErrno(Errno.ENODATA, () -> fs.getxattr(root, f.ino(), "user.a"));
        fs.setxattr(root, f.ino(), "user.a", new byte[] {1}, XattrMode.CREATE);
        assertErrno(Errno.EEXIST, () -> fs.setxattr(root, f.ino(), "user.a", new byte[] {2}, XattrMode.CREATE));
        assertErrno(Errno.ENODATA, () -> fs.setxattr(root, f.ino(), "user.b", new byte[] {2}, XattrMode.REPLACE));
        fs.setxattr(root, f.ino(), "user.a", new byte[] {3}, XattrMode.REPLACE);
        assertArrayEquals(new byte[] {3}, fs.getxattr(root, f.ino(), "user.a"));
        fs.setxattr(root, f.ino(), "trusted.t", new byte[0], XattrMode.UPSERT);
        assertEquals(List.of("trusted.t", "user.a"), fs.listxattr(root, f.ino()));
        assertEquals(List.of("user.a"), fs.listxattr(FsFixture.ALICE, f.ino()));
        assertErrno(Errno.E2BIG, () -> fs.setxattr(root, f.ino(), "user.big", new byte[65537], XattrMode.UPSERT));
        assertErrno(Errno.ERANGE, () -> fs.setxattr(root, f.ino(), "user." + "n".repeat(251), new byte[1], XattrMode.UPSERT));
        assertErrno(Errno.EOPNOTSUPP, () -> fs.setxattr(root, f.ino(), "other.x", new byte[1], XattrMode.UPSERT));
        fs.removexattr(root, f.ino(), "user.a");
        assertErrno(Errno.ENODATA, () -> fs.removexattr(root, f.ino(), "user.a"));
        Attr link = fs.symlink(root, ROOT_INODE, "s", "f");
        assertErrno(Errno.EPERM, () -> fs.setxattr(root, link.ino(), "user.a", new byte[1], XattrMode.UPSERT));
    }

    @Test
    void timestampsAreNanosecondsAndFollowChanges() {
        Attr f = fs.create(root, ROOT_INODE, "f", 0644, true);
        long dirMtime = fs.getattr(ROOT_INODE).mtimeNs();
        assertTrue(dirMtime >= f.btimeNs());
        Attr w = fs.write(root, f.ino(), 0, new byte[] {1});
        assertTrue(w.mtimeNs() >= f.mtimeNs());
        Attr set = fs.setattr(root, f.ino(), new SetAttr(null, null, null, null,
                new SetAttr.TimeChange.At(1_234_567_891L), new SetAttr.TimeChange.At(9_876_543_21L)));
        assertEquals(1_234_567_891L, set.atimeNs());
        assertEquals(987_654_321L, set.mtimeNs());
        assertTrue(set.ctimeNs() >= w.ctimeNs());
    }
}
