package cairn.protocols.ninep.wire;

import cairn.protocols.ninep.wire.Rmessage.*;
import cairn.protocols.ninep.wire.Tmessage.*;
import java.util.List;

/** One instance of every 9P2000.L message, with non-trivial field values. */
final class Samples {
    static final Qid QID = new Qid(Qid.QTDIR, 7, 0x1122334455667788L);

    static List<Tmessage> requests() {
        return List.of(
                new Tversion(0xFFFF, 1 << 20, "9P2000.L"),
                new Tauth(1, 5, "alice", "vol", 1000),
                new Tattach(2, 0, -1, "", "sub/dir", 1000),
                new Tflush(3, 2),
                new Twalk(4, 0, 1, List.of("a", "bé", "c")),
                new Twalk(5, 0, 1, List.of()),
                new Tlopen(6, 1, 02),
                new Tlcreate(7, 1, "f", 0101, 0644, 100),
                new Tread(8, 1, 1L << 40, 4096),
                new Twrite(9, 1, 12, new byte[] {1, 2, 3}),
                new Tclunk(10, 1),
                new Tremove(11, 1),
                new Tstatfs(12, 0),
                new Tgetattr(13, 0, Protocol.GETATTR_ALL),
                new Tsetattr(14, 1, 0x1ff, 0755, 1, 2, 99, 3, 4, 5, 6),
                new Treaddir(15, 1, 2, 8192),
                new Tfsync(16, 1, 1),
                new Tmkdir(17, 0, "d", 0755, 100),
                new Tsymlink(18, 0, "l", "../target", 100),
                new Tmknod(19, 0, "n", 020644, 8, 1, 100),
                new Treadlink(20, 3),
                new Tlink(21, 0, 3, "hard"),
                new Trename(22, 3, 0, "renamed"),
                new Trenameat(23, 0, "a", 0, "b"),
                new Tunlinkat(24, 0, "d", Protocol.AT_REMOVEDIR),
                new Txattrwalk(25, 1, 2, "user.x"),
                new Txattrcreate(26, 1, "user.x", 10, Protocol.XATTR_CREATE),
                new Tlock(27, 1, Protocol.LOCK_TYPE_WRLCK, Protocol.LOCK_FLAGS_BLOCK, 0, 100, 42, "host"),
                new Tgetlock(28, 1, Protocol.LOCK_TYPE_RDLCK, 5, 0, 43, "host"));
    }

    static List<Rmessage> replies() {
        return List.of(
                new Rlerror(1, 2),
                new Rversion(0xFFFF, 65536, "9P2000.L"),
                new Rauth(1, QID),
                new Rattach(2, QID),
                new Rflush(3),
                new Rwalk(4, List.of(QID, new Qid(0, 1, 2))),
                new Rlopen(5, QID, 8168),
                new Rlcreate(6, QID, 8168),
                new Rread(7, new byte[] {9, 8, 7}),
                new Rwrite(8, 3),
                new Rclunk(9),
                new Rremove(10),
                new Rstatfs(11, Protocol.V9FS_MAGIC, 4096, 100, 50, 40, 1000, 900, 77, 255),
                new Rgetattr(12, Protocol.GETATTR_BASIC, QID, 040755, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                        15, 16, 17),
                new Rsetattr(13),
                new Rreaddir(14, List.of(new Dirent(QID, 1, Protocol.DT_DIR, "."), new Dirent(QID, 9, 8, "file"))),
                new Rfsync(15),
                new Rmkdir(16, QID),
                new Rsymlink(17, QID),
                new Rmknod(18, QID),
                new Rreadlink(19, "target"),
                new Rlink(20),
                new Rrename(21),
                new Rrenameat(22),
                new Runlinkat(23),
                new Rxattrwalk(24, 10),
                new Rxattrcreate(25),
                new Rlock(26, Protocol.LOCK_BLOCKED),
                new Rgetlock(27, Protocol.LOCK_TYPE_WRLCK, 0, 10, 42, "host"));
    }

    private Samples() {}
}
