package cairn.engine.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static cairn.engine.fs.FileSystem.ROOT_INODE;
import static cairn.engine.fs.FsFixture.ALICE;
import static cairn.engine.fs.FsFixture.BOB;
import static cairn.engine.fs.FsFixture.CAROL;
import static cairn.engine.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** The permission matrix: owner/group/other bits, root, sticky, setgid, chown rules, suid clearing. */
class PermissionTest {
    private final FsFixture fx = new FsFixture();
    private final CairnFileSystem fs = fx.fs;
    private final Caller root = Caller.ROOT;

    @AfterEach
    void close() {
        fx.close();
    }

    /** A world-writable scratch directory. */
    private long tmp() {
        long d = fs.mkdir(root, ROOT_INODE, "tmp", 0777).ino();
        return d;
    }

    @Test
    void ownerGroupOtherBits() {
        long d = tmp();
        long f = fs.create(ALICE, d, "f", 0640, true).ino();
        fs.setattr(ALICE, f, new SetAttr(null, null, 100, null, null, null));
        fs.write(ALICE, f, 0, new byte[] {1});
        assertEquals(1, fs.read(BOB, f, 0, 1).data().length, "group 100 may read");
        assertErrno(Errno.EACCES, () -> fs.write(BOB, f, 0, new byte[] {2}));
        assertErrno(Errno.EACCES, () -> fs.read(CAROL, f, 0, 1));
        assertEquals(Access.READ, fs.access(BOB, f, Access.READ | Access.MODIFY | Access.EXECUTE));
        assertEquals(0, fs.access(CAROL, f, Access.READ | Access.MODIFY));
        assertEquals(Access.READ | Access.MODIFY, fs.access(root, f, Access.READ | Access.MODIFY | Access.EXECUTE),
                "root may not execute a file without x bits");
        fs.setattr(ALICE, f, SetAttr.mode(0644 | 0001));
        assertEquals(Access.EXECUTE, fs.access(root, f, Access.EXECUTE), "root may execute once some x bit is set");
        assertEquals(0, fs.access(BOB, f, Access.EXECUTE));
    }

    @Test
    void directoryPermissionsGateLookupCreateAndReaddir() {
        long d = fs.mkdir(ALICE, tmp(), "private", 0700).ino();
        fs.create(ALICE, d, "f", 0644, true);
        assertErrno(Errno.EACCES, () -> fs.lookup(BOB, d, "f"));
        assertErrno(Errno.EACCES, () -> fs.readdir(BOB, d, 0, 10));
        assertErrno(Errno.EACCES, () -> fs.create(BOB, d, "g", 0644, true));
        fs.setattr(ALICE, d, SetAttr.mode(0711));
        assertEquals("f", fs.readdir(root, d, 2, 10).entries().get(0).name());
        fs.lookup(BOB, d, "f");
        assertErrno(Errno.EACCES, () -> fs.readdir(BOB, d, 0, 10));
        assertErrno(Errno.EACCES, () -> fs.unlink(BOB, d, "f"));
        fs.create(root, d, "byroot", 0644, true);
    }

    @Test
    void stickyDirectoryLimitsRemoval() {
        long d = fs.mkdir(root, ROOT_INODE, "sticky", 01777).ino();
        fs.create(ALICE, d, "alice", 0666, true);
        fs.create(BOB, d, "bob", 0666, true);
        assertErrno(Errno.EPERM, () -> fs.unlink(BOB, d, "alice"));
        assertErrno(Errno.EPERM, () -> fs.rename(BOB, d, "alice", d, "mine", RenameMode.REPLACE));
        assertErrno(Errno.EPERM, () -> fs.rename(BOB, d, "bob", d, "alice", RenameMode.REPLACE),
                "replacing another user's file in a sticky dir");
        fs.rename(BOB, d, "bob", d, "bob2", RenameMode.REPLACE);
        fs.unlink(BOB, d, "bob2");
        fs.unlink(root, d, "alice");
        long owned = fs.mkdir(BOB, tmp(), "bobs", 01777).ino();
        fs.create(ALICE, owned, "a", 0644, true);
        fs.unlink(BOB, owned, "a"); // the directory's owner may
    }

    @Test
    void setgidDirectoriesPassTheirGroupDown() {
        long d = fs.mkdir(root, ROOT_INODE, "shared", 0777).ino();
        fs.setattr(root, d, new SetAttr(02777, null, 500, null, null, null));
        Attr f = fs.create(ALICE, d, "f", 0644, true);
        assertEquals(500, f.gid());
        Attr sub = fs.mkdir(ALICE, d, "sub", 0755);
        assertEquals(500, sub.gid());
        assertEquals(02755, sub.mode(), "subdirectories inherit the setgid bit");
        Attr g = fs.create(ALICE, d, "g", 02755, true);
        assertEquals(0755, g.mode(), "sgid dropped on a file whose group the creator is not in");
        Attr plain = fs.create(ALICE, tmp(), "p", 0644, true);
        assertEquals(ALICE.gid(), plain.gid());
    }

    @Test
    void chownRules() {
        long f = fs.create(ALICE, tmp(), "f", 0644, true).ino();
        assertErrno(Errno.EPERM, () -> fs.setattr(ALICE, f, new SetAttr(null, BOB.uid(), null, null, null, null)));
        fs.setattr(ALICE, f, new SetAttr(null, ALICE.uid(), null, null, null, null)); // to itself: allowed
        fs.setattr(ALICE, f, new SetAttr(null, null, 100, null, null, null));
        assertErrno(Errno.EPERM, () -> fs.setattr(ALICE, f, new SetAttr(null, null, 999, null, null, null)));
        assertErrno(Errno.EPERM, () -> fs.setattr(BOB, f, new SetAttr(null, null, 100, null, null, null)),
                "non-owner may not chgrp even to a group it is in");
        Attr a = fs.setattr(root, f, new SetAttr(null, BOB.uid(), 999, null, null, null));
        assertEquals(BOB.uid(), a.uid());
        assertEquals(999, a.gid());
        assertErrno(Errno.EPERM, () -> fs.setattr(ALICE, f, SetAttr.mode(0777)), "chmod by non-owner");
    }

    @Test
    void privilegeBitsAreClearedByNonRootChanges() {
        long d = tmp();
        long f = fs.create(ALICE, d, "f", 0666, true).ino();
        fs.setattr(ALICE, f, SetAttr.mode(06777));
        assertEquals(06777, fs.getattr(f).mode());
        fs.write(BOB, f, 0, new byte[] {1});
        assertEquals(0777, fs.getattr(f).mode(), "write by non-root clears suid and group-exec sgid");

        fs.setattr(ALICE, f, SetAttr.mode(06777));
        fs.write(root, f, 0, new byte[] {1});
        assertEquals(06777, fs.getattr(f).mode(), "root's write keeps them");

        fs.setattr(ALICE, f, SetAttr.mode(06767));
        fs.write(BOB, f, 0, new byte[] {1});
        assertEquals(02767, fs.getattr(f).mode(), "sgid without group-exec is not a privilege");

        fs.setattr(ALICE, f, SetAttr.mode(06777));
        fs.setattr(BOB, f, SetAttr.size(0));
        assertEquals(0777, fs.getattr(f).mode(), "truncate by non-root clears too");

        fs.setattr(ALICE, f, SetAttr.mode(06777));
        fs.setattr(ALICE, f, new SetAttr(null, null, 100, null, null, null));
        assertEquals(0777, fs.getattr(f).mode(), "chown by non-root clears");

        fs.setattr(root, f, SetAttr.mode(06777));
        fs.setattr(root, f, new SetAttr(null, null, 100, null, null, null));
        assertEquals(0777, fs.getattr(f).mode(), "chown by root clears too, as Linux does (the e2e ext4 reference)");

        fs.setattr(root, f, SetAttr.mode(06777));
        fs.setattr(root, f, new SetAttr(06777, null, 100, null, null, null));
        assertEquals(06777, fs.getattr(f).mode(), "unless the same call sets the mode");
    }

    @Test
    void chmodByNonMemberDropsSgid() {
        long f = fs.create(root, tmp(), "f", 0644, true).ino();
        fs.setattr(root, f, new SetAttr(null, ALICE.uid(), 500, null, null, null));
        assertEquals(0755, fs.setattr(ALICE, f, SetAttr.mode(02755)).mode());
        assertEquals(02755, fs.setattr(root, f, SetAttr.mode(02755)).mode());
    }

    @Test
    void timeChangesNeedOwnershipOrWriteAccess() {
        long f = fs.create(ALICE, tmp(), "f", 0666, true).ino();
        SetAttr at = new SetAttr(null, null, null, null, new SetAttr.TimeChange.At(5), null);
        SetAttr now = new SetAttr(null, null, null, null, new SetAttr.TimeChange.Now(), new SetAttr.TimeChange.Now());
        assertErrno(Errno.EPERM, () -> fs.setattr(BOB, f, at));
        fs.setattr(BOB, f, now);
        fs.setattr(ALICE, f, SetAttr.mode(0644));
        assertErrno(Errno.EACCES, () -> fs.setattr(BOB, f, now));
        assertEquals(5, fs.setattr(ALICE, f, at).atimeNs());
    }

    @Test
    void renamingADirectoryAcrossParentsNeedsWriteOnIt() {
        long d = tmp();
        long a = fs.mkdir(ALICE, d, "a", 0555).ino();
        long b = fs.mkdir(BOB, d, "b", 0777).ino();
        assertErrno(Errno.EACCES, () -> fs.rename(ALICE, d, "a", b, "a", RenameMode.REPLACE));
        fs.rename(ALICE, d, "a", d, "a2", RenameMode.REPLACE); // same parent: ".." unchanged
        fs.setattr(ALICE, a, SetAttr.mode(0755));
        fs.rename(ALICE, d, "a2", b, "a", RenameMode.REPLACE);
    }

    @Test
    void devicesNeedRootAndXattrNamespacesAreChecked() {
        long d = tmp();
        assertErrno(Errno.EPERM, () -> fs.mknod(ALICE, d, "dev", FileType.CHAR_DEVICE, 0600, new DeviceNumber(1, 3)));
        fs.mknod(ALICE, d, "fifo", FileType.FIFO, 0600, DeviceNumber.NONE);
        long f = fs.create(ALICE, d, "f", 0600, true).ino();
        assertErrno(Errno.EPERM, () -> fs.setxattr(ALICE, f, "trusted.x", new byte[1], XattrMode.UPSERT));
        fs.setxattr(ALICE, f, "user.x", new byte[1], XattrMode.UPSERT);
        assertErrno(Errno.EACCES, () -> fs.getxattr(BOB, f, "user.x"));
        assertErrno(Errno.EPERM, () -> fs.setxattr(BOB, f, "security.x", new byte[1], XattrMode.UPSERT));
    }
}
