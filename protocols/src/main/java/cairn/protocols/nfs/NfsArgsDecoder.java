package cairn.protocols.nfs;

import cairn.engine.fs.DeviceNumber;
import cairn.engine.fs.FileType;
import cairn.engine.fs.SetAttr;
import cairn.protocols.rpc.XdrException;
import cairn.protocols.rpc.XdrReader;

import static cairn.protocols.nfs.Nfs3Xdr.readFh;
import static cairn.protocols.nfs.Nfs3Xdr.readSattr;

/** Decodes the arguments of an NFSv3 procedure; malformed arguments are an {@link XdrException}. */
public final class NfsArgsDecoder {
    private NfsArgsDecoder() {}

    public static NfsRequest decode(int procedure, XdrReader r) {
        return switch (procedure) {
            case Nfs3.NULL -> new NfsRequest.Null();
            case Nfs3.GETATTR -> new NfsRequest.GetAttr(readFh(r));
            case Nfs3.SETATTR -> new NfsRequest.SetAttrs(readFh(r), readSattr(r), r.readBool() ? Nfs3Xdr.readTime(r) : null);
            case Nfs3.LOOKUP -> new NfsRequest.Lookup(readFh(r), name(r));
            case Nfs3.ACCESS -> new NfsRequest.Access(readFh(r), r.readInt());
            case Nfs3.READLINK -> new NfsRequest.ReadLink(readFh(r));
            case Nfs3.READ -> new NfsRequest.Read(readFh(r), r.readHyper(), r.readInt());
            case Nfs3.WRITE -> new NfsRequest.Write(readFh(r), r.readHyper(), r.readInt(), r.readEnum(Nfs3.FILE_SYNC),
                    r.readOpaque(Nfs3.IO_BYTES_MAX));
            case Nfs3.CREATE -> create(r);
            case Nfs3.MKDIR -> new NfsRequest.Mkdir(readFh(r), name(r), readSattr(r));
            case Nfs3.SYMLINK -> new NfsRequest.Symlink(readFh(r), name(r), readSattr(r), r.readString(Nfs3.PATH_BYTES_MAX));
            case Nfs3.MKNOD -> mknod(r);
            case Nfs3.REMOVE -> new NfsRequest.Remove(readFh(r), name(r));
            case Nfs3.RMDIR -> new NfsRequest.Rmdir(readFh(r), name(r));
            case Nfs3.RENAME -> new NfsRequest.Rename(readFh(r), name(r), readFh(r), name(r));
            case Nfs3.LINK -> new NfsRequest.Link(readFh(r), readFh(r), name(r));
            case Nfs3.READDIR -> new NfsRequest.ReadDir(readFh(r), r.readHyper(), r.readHyper(), 0, r.readInt(), false);
            case Nfs3.READDIRPLUS -> new NfsRequest.ReadDir(readFh(r), r.readHyper(), r.readHyper(), r.readInt(),
                    r.readInt(), true);
            case Nfs3.FSSTAT -> new NfsRequest.FsStat(readFh(r));
            case Nfs3.FSINFO -> new NfsRequest.FsInfo(readFh(r));
            case Nfs3.PATHCONF -> new NfsRequest.PathConf(readFh(r));
            case Nfs3.COMMIT -> new NfsRequest.Commit(readFh(r), r.readHyper(), r.readInt());
            default -> throw new XdrException("no NFSv3 procedure " + procedure);
        };
    }

    private static String name(XdrReader r) {
        return r.readString(Nfs3.NAME_BYTES_MAX);
    }

    private static NfsRequest create(XdrReader r) {
        byte[] dir = readFh(r);
        String name = name(r);
        int how = r.readEnum(Nfs3.EXCLUSIVE);
        if (how == Nfs3.EXCLUSIVE) {
            return new NfsRequest.Create(dir, name, how, SetAttr.NONE, r.readFixedOpaque(Nfs3.VERIFIER_BYTES));
        }
        return new NfsRequest.Create(dir, name, how, readSattr(r), null);
    }

    private static NfsRequest mknod(XdrReader r) {
        byte[] dir = readFh(r);
        String name = name(r);
        FileType type = Nfs3Xdr.fileType(r.readInt());
        return switch (type) {
            case CHAR_DEVICE, BLOCK_DEVICE -> new NfsRequest.Mknod(dir, name, type, readSattr(r),
                    new DeviceNumber(r.readInt(), r.readInt()));
            case SOCKET, FIFO -> new NfsRequest.Mknod(dir, name, type, readSattr(r), DeviceNumber.NONE);
            case null, default -> new NfsRequest.Mknod(dir, name, null, SetAttr.NONE, DeviceNumber.NONE);
        };
    }
}
