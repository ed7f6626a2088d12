package cairn.protocols.nfs;

import cairn.engine.fs.Attr;
import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;
import cairn.engine.fs.SetAttr;
import cairn.protocols.rpc.XdrException;
import cairn.protocols.rpc.XdrReader;
import cairn.protocols.rpc.XdrWriter;

/** XDR of the NFSv3 data types both the server and the client use: fattr3, sattr3, wcc_data, nfstime3. */
public final class Nfs3Xdr {
    private static final long NANOS = 1_000_000_000L;

    private Nfs3Xdr() {}

    public static int ftype(FileType t) {
        return switch (t) {
            case REGULAR -> Nfs3.NF3REG;
            case DIRECTORY -> Nfs3.NF3DIR;
            case BLOCK_DEVICE -> Nfs3.NF3BLK;
            case CHAR_DEVICE -> Nfs3.NF3CHR;
            case SYMLINK -> Nfs3.NF3LNK;
            case SOCKET -> Nfs3.NF3SOCK;
            case FIFO -> Nfs3.NF3FIFO;
        };
    }

    /** The file type of an ftype3, or null for a value outside 1..7. */
    public static FileType fileType(int ftype3) {
        return switch (ftype3) {
            case Nfs3.NF3REG -> FileType.REGULAR;
            case Nfs3.NF3DIR -> FileType.DIRECTORY;
            case Nfs3.NF3BLK -> FileType.BLOCK_DEVICE;
            case Nfs3.NF3CHR -> FileType.CHAR_DEVICE;
            case Nfs3.NF3LNK -> FileType.SYMLINK;
            case Nfs3.NF3SOCK -> FileType.SOCKET;
            case Nfs3.NF3FIFO -> FileType.FIFO;
            default -> null;
        };
    }

    public static void writeTime(XdrWriter w, long nanos) {
        w.writeUnsignedInt(Math.floorDiv(nanos, NANOS)).writeUnsignedInt(Math.floorMod(nanos, NANOS));
    }

    public static long readTime(XdrReader r) {
        long seconds = r.readUnsignedInt();
        long nanos = r.readUnsignedInt();
        if (nanos >= NANOS) throw new XdrException("nseconds " + nanos);
        return seconds * NANOS + nanos;
    }

    public static void writeFattr(XdrWriter w, Attr a, long fsid) {
        w.writeInt(ftype(a.type())).writeInt(a.mode() & 07777).writeInt(a.nlink()).writeInt(a.uid()).writeInt(a.gid())
                .writeHyper(a.size()).writeHyper(a.usedBytes())
                .writeInt(a.rdev().major()).writeInt(a.rdev().minor())
                .writeHyper(fsid).writeHyper(a.ino());
        writeTime(w, a.atimeNs());
        writeTime(w, a.mtimeNs());
        writeTime(w, a.ctimeNs());
    }

    /** A fattr3 as an {@link Attr} (generation and birth time are not on the wire: 0). */
    public static Attr readFattr(XdrReader r) {
        FileType type = fileType(r.readInt());
        if (type == null) throw new XdrException("bad ftype3");
        int mode = r.readInt(), nlink = r.readInt(), uid = r.readInt(), gid = r.readInt();
        long size = r.readHyper(), used = r.readHyper();
        var rdev = new DeviceNumber(r.readInt(), r.readInt());
        r.readHyper();
        long fileid = r.readHyper();
        long atime = readTime(r), mtime = readTime(r), ctime = readTime(r);
        return new Attr(fileid, 0, type, mode, nlink, uid, gid, size, used, rdev, atime, mtime, ctime, 0);
    }

    public static void writePostOpAttr(XdrWriter w, Attr a, long fsid) {
        w.writeBool(a != null);
        if (a != null) writeFattr(w, a, fsid);
    }

    public static Attr readPostOpAttr(XdrReader r) {
        return r.readBool() ? readFattr(r) : null;
    }

    public static void writeWcc(XdrWriter w, Wcc wcc, long fsid) {
        w.writeBool(wcc.before() != null);
        if (wcc.before() != null) {
            w.writeHyper(wcc.before().size());
            writeTime(w, wcc.before().mtimeNs());
            writeTime(w, wcc.before().ctimeNs());
        }
        writePostOpAttr(w, wcc.after(), fsid);
    }

    public static Wcc readWcc(XdrReader r) {
        Wcc.Before before = r.readBool() ? new Wcc.Before(r.readHyper(), readTime(r), readTime(r)) : null;
        return new Wcc(before, readPostOpAttr(r));
    }

    public static void writePostOpFh(XdrWriter w, byte[] fh) {
        w.writeBool(fh != null);
        if (fh != null) w.writeOpaque(fh);
    }

    public static byte[] readPostOpFh(XdrReader r) {
        return r.readBool() ? r.readOpaque(Nfs3.FHSIZE_MAX) : null;
    }

    public static byte[] readFh(XdrReader r) {
        return r.readOpaque(Nfs3.FHSIZE_MAX);
    }

    /** sattr3; fields not set stay null. */
    public static SetAttr readSattr(XdrReader r) {
        Integer mode = r.readBool() ? r.readInt() & 07777 : null;
        Integer uid = r.readBool() ? r.readInt() : null;
        Integer gid = r.readBool() ? r.readInt() : null;
        Long size = r.readBool() ? r.readHyper() : null;
        return new SetAttr(mode, uid, gid, size, readTimeChange(r), readTimeChange(r));
    }

    private static SetAttr.TimeChange readTimeChange(XdrReader r) {
        return switch (r.readEnum(2)) {
            case 0 -> null;
            case 1 -> new SetAttr.TimeChange.Now();
            default -> new SetAttr.TimeChange.At(readTime(r));
        };
    }

    public static void writeSattr(XdrWriter w, SetAttr s) {
        w.writeBool(s.mode() != null);
        if (s.mode() != null) w.writeInt(s.mode());
        w.writeBool(s.uid() != null);
        if (s.uid() != null) w.writeInt(s.uid());
        w.writeBool(s.gid() != null);
        if (s.gid() != null) w.writeInt(s.gid());
        w.writeBool(s.size() != null);
        if (s.size() != null) w.writeHyper(s.size());
        writeTimeChange(w, s.atime());
        writeTimeChange(w, s.mtime());
    }

    private static void writeTimeChange(XdrWriter w, SetAttr.TimeChange t) {
        switch (t) {
            case null -> w.writeInt(0);
            case SetAttr.TimeChange.Now n -> w.writeInt(1);
            case SetAttr.TimeChange.At at -> {
                w.writeInt(2);
                writeTime(w, at.nanos());
            }
        }
    }
}
