package cairn.protocols.ninep.wire;

import java.util.List;

/** Replies of 9P2000.L, server to client. */
public sealed interface Rmessage {
    int tag();

    record Rlerror(int tag, int ecode) implements Rmessage {}

    record Rversion(int tag, int msize, String version) implements Rmessage {}

    record Rauth(int tag, Qid aqid) implements Rmessage {}

    record Rattach(int tag, Qid qid) implements Rmessage {}

    record Rflush(int tag) implements Rmessage {}

    record Rwalk(int tag, List<Qid> qids) implements Rmessage {
        public Rwalk {
            qids = List.copyOf(qids);
        }
    }

    record Rlopen(int tag, Qid qid, int iounit) implements Rmessage {}

    record Rlcreate(int tag, Qid qid, int iounit) implements Rmessage {}

    record Rread(int tag, byte[] data) implements Rmessage {}

    record Rwrite(int tag, int count) implements Rmessage {}

    record Rclunk(int tag) implements Rmessage {}

    record Rremove(int tag) implements Rmessage {}

    record Rstatfs(int tag, int type, int bsize, long blocks, long bfree, long bavail, long files, long ffree,
                   long fsid, int namelen) implements Rmessage {}

    record Rgetattr(int tag, long valid, Qid qid, int mode, int uid, int gid, long nlink, long rdev, long size,
                    long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec,
                    long ctimeSec, long ctimeNsec, long btimeSec, long btimeNsec, long gen, long dataVersion)
            implements Rmessage {}

    record Rsetattr(int tag) implements Rmessage {}

    record Rreaddir(int tag, List<Dirent> entries) implements Rmessage {
        public Rreaddir {
            entries = List.copyOf(entries);
        }
    }

    record Rfsync(int tag) implements Rmessage {}

    record Rmkdir(int tag, Qid qid) implements Rmessage {}

    record Rsymlink(int tag, Qid qid) implements Rmessage {}

    record Rmknod(int tag, Qid qid) implements Rmessage {}

    record Rreadlink(int tag, String target) implements Rmessage {}

    record Rlink(int tag) implements Rmessage {}

    record Rrename(int tag) implements Rmessage {}

    record Rrenameat(int tag) implements Rmessage {}

    record Runlinkat(int tag) implements Rmessage {}

    record Rxattrwalk(int tag, long size) implements Rmessage {}

    record Rxattrcreate(int tag) implements Rmessage {}

    record Rlock(int tag, int status) implements Rmessage {}

    record Rgetlock(int tag, int type, long start, long length, int procId, String clientId) implements Rmessage {}
}
