package cairn.protocols.ninep.wire;

import java.util.List;

/**
 * Requests of 9P2000.L, client to server. Unsigned wire integers are carried in Java ints and longs with the
 * same bits (a fid of 0xFFFFFFFF is -1). {@link Rejected} is not a wire message: the decoder's verdict on a
 * well-framed request it cannot accept (unknown type, invalid name), answered with Rlerror.
 */
public sealed interface Tmessage {
    int tag();

    record Tversion(int tag, int msize, String version) implements Tmessage {}

    record Tauth(int tag, int afid, String uname, String aname, int nUname) implements Tmessage {}

    record Tattach(int tag, int fid, int afid, String uname, String aname, int nUname) implements Tmessage {}

    record Tflush(int tag, int oldtag) implements Tmessage {}

    record Twalk(int tag, int fid, int newfid, List<String> names) implements Tmessage {
        public Twalk {
            names = List.copyOf(names);
        }
    }

    record Tlopen(int tag, int fid, int flags) implements Tmessage {}

    record Tlcreate(int tag, int fid, String name, int flags, int mode, int gid) implements Tmessage {}

    record Tread(int tag, int fid, long offset, int count) implements Tmessage {}

    record Twrite(int tag, int fid, long offset, byte[] data) implements Tmessage {}

    record Tclunk(int tag, int fid) implements Tmessage {}

    record Tremove(int tag, int fid) implements Tmessage {}

    record Tstatfs(int tag, int fid) implements Tmessage {}

    record Tgetattr(int tag, int fid, long requestMask) implements Tmessage {}

    record Tsetattr(int tag, int fid, int valid, int mode, int uid, int gid, long size, long atimeSec,
                    long atimeNsec, long mtimeSec, long mtimeNsec) implements Tmessage {}

    record Treaddir(int tag, int fid, long offset, int count) implements Tmessage {}

    /** {@code datasync} is the Linux client's extension; 0 when a client sends only the fid. */
    record Tfsync(int tag, int fid, int datasync) implements Tmessage {}

    record Tmkdir(int tag, int dfid, String name, int mode, int gid) implements Tmessage {}

    record Tsymlink(int tag, int fid, String name, String target, int gid) implements Tmessage {}

    record Tmknod(int tag, int dfid, String name, int mode, int major, int minor, int gid) implements Tmessage {}

    record Treadlink(int tag, int fid) implements Tmessage {}

    record Tlink(int tag, int dfid, int fid, String name) implements Tmessage {}

    record Trename(int tag, int fid, int dfid, String name) implements Tmessage {}

    record Trenameat(int tag, int oldDirFid, String oldName, int newDirFid, String newName) implements Tmessage {}

    record Tunlinkat(int tag, int dirFid, String name, int flags) implements Tmessage {}

    record Txattrwalk(int tag, int fid, int newfid, String name) implements Tmessage {}

    record Txattrcreate(int tag, int fid, String name, long attrSize, int flags) implements Tmessage {}

    record Tlock(int tag, int fid, int type, int flags, long start, long length, int procId, String clientId)
            implements Tmessage {}

    record Tgetlock(int tag, int fid, int type, long start, long length, int procId, String clientId)
            implements Tmessage {}

    /** A framed request the server answers with Rlerror {@code errno} without looking further. */
    record Rejected(int tag, int type, int errno, String reason) implements Tmessage {}
}
