package cairn.protocols.ninep.wire;

import static cairn.protocols.ninep.wire.MessageType.*;

import cairn.engine.fs.Errno;
import cairn.protocols.ninep.wire.Tmessage.*;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** T-messages to and from bytes. A frame here is type[1] tag[2] body, the size already stripped. */
public final class RequestCodec {
    private RequestCodec() {}

    /**
     * Decodes one request. A truncated or over-long body throws {@link ProtocolException} (close the
     * connection); an unknown type, too many walk names or a non-UTF-8 string yield {@link Rejected}.
     */
    public static Tmessage decode(ByteBuf frame) {
        var r = new WireReader(frame);
        int type = r.u8();
        int tag = r.u16();
        try {
            Tmessage m = decodeBody(type, tag, r);
            if (m == null) return new Rejected(tag, type, Errno.EOPNOTSUPP.code, "unknown message type " + type);
            if (!(m instanceof Rejected)) r.end();
            return m;
        } catch (WireReader.InvalidStringException e) {
            return new Rejected(tag, type, Errno.EINVAL.code, e.getMessage());
        }
    }

    private static Tmessage decodeBody(int type, int tag, WireReader r) {
        return switch (type) {
            case TVERSION -> new Tversion(tag, r.u32(), r.string());
            case TAUTH -> new Tauth(tag, r.u32(), r.string(), r.string(), r.u32());
            case TATTACH -> new Tattach(tag, r.u32(), r.u32(), r.string(), r.string(), r.u32());
            case TFLUSH -> new Tflush(tag, r.u16());
            case TWALK -> decodeWalk(tag, r);
            case TLOPEN -> new Tlopen(tag, r.u32(), r.u32());
            case TLCREATE -> new Tlcreate(tag, r.u32(), r.string(), r.u32(), r.u32(), r.u32());
            case TREAD -> new Tread(tag, r.u32(), r.u64(), r.u32());
            case TWRITE -> new Twrite(tag, r.u32(), r.u64(), r.bytes(r.u32()));
            case TCLUNK -> new Tclunk(tag, r.u32());
            case TREMOVE -> new Tremove(tag, r.u32());
            case TSTATFS -> new Tstatfs(tag, r.u32());
            case TGETATTR -> new Tgetattr(tag, r.u32(), r.u64());
            case TSETATTR -> new Tsetattr(tag, r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u64(), r.u64(),
                    r.u64(), r.u64(), r.u64());
            case TREADDIR -> new Treaddir(tag, r.u32(), r.u64(), r.u32());
            case TFSYNC -> new Tfsync(tag, r.u32(), r.remaining() >= 4 ? r.u32() : 0);
            case TMKDIR -> new Tmkdir(tag, r.u32(), r.string(), r.u32(), r.u32());
            case TSYMLINK -> new Tsymlink(tag, r.u32(), r.string(), r.string(), r.u32());
            case TMKNOD -> new Tmknod(tag, r.u32(), r.string(), r.u32(), r.u32(), r.u32(), r.u32());
            case TREADLINK -> new Treadlink(tag, r.u32());
            case TLINK -> new Tlink(tag, r.u32(), r.u32(), r.string());
            case TRENAME -> new Trename(tag, r.u32(), r.u32(), r.string());
            case TRENAMEAT -> new Trenameat(tag, r.u32(), r.string(), r.u32(), r.string());
            case TUNLINKAT -> new Tunlinkat(tag, r.u32(), r.string(), r.u32());
            case TXATTRWALK -> new Txattrwalk(tag, r.u32(), r.u32(), r.string());
            case TXATTRCREATE -> new Txattrcreate(tag, r.u32(), r.string(), r.u64(), r.u32());
            case TLOCK -> new Tlock(tag, r.u32(), r.u8(), r.u32(), r.u64(), r.u64(), r.u32(), r.string());
            case TGETLOCK -> new Tgetlock(tag, r.u32(), r.u8(), r.u64(), r.u64(), r.u32(), r.string());
            default -> null;
        };
    }

    private static Tmessage decodeWalk(int tag, WireReader r) {
        int fid = r.u32();
        int newfid = r.u32();
        int count = r.u16();
        if (count > Protocol.MAXWELEM) {
            return new Rejected(tag, TWALK, Errno.EINVAL.code, "walk of " + count + " names (max 16)");
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) names.add(r.string());
        return new Twalk(tag, fid, newfid, names);
    }

    /** Appends the whole message, size prefix included. */
    public static void encode(Tmessage message, ByteBuf out) {
        switch (message) {
            case Tversion m -> WireWriter.begin(out, TVERSION, m.tag()).u32(m.msize()).string(m.version()).finish();
            case Tauth m -> WireWriter.begin(out, TAUTH, m.tag()).u32(m.afid()).string(m.uname()).string(m.aname())
                    .u32(m.nUname()).finish();
            case Tattach m -> WireWriter.begin(out, TATTACH, m.tag()).u32(m.fid()).u32(m.afid()).string(m.uname())
                    .string(m.aname()).u32(m.nUname()).finish();
            case Tflush m -> WireWriter.begin(out, TFLUSH, m.tag()).u16(m.oldtag()).finish();
            case Twalk m -> {
                var w = WireWriter.begin(out, TWALK, m.tag()).u32(m.fid()).u32(m.newfid()).u16(m.names().size());
                m.names().forEach(w::string);
                w.finish();
            }
            case Tlopen m -> WireWriter.begin(out, TLOPEN, m.tag()).u32(m.fid()).u32(m.flags()).finish();
            case Tlcreate m -> WireWriter.begin(out, TLCREATE, m.tag()).u32(m.fid()).string(m.name()).u32(m.flags())
                    .u32(m.mode()).u32(m.gid()).finish();
            case Tread m -> WireWriter.begin(out, TREAD, m.tag()).u32(m.fid()).u64(m.offset()).u32(m.count()).finish();
            case Twrite m -> WireWriter.begin(out, TWRITE, m.tag()).u32(m.fid()).u64(m.offset()).data(m.data())
                    .finish();
            case Tclunk m -> WireWriter.begin(out, TCLUNK, m.tag()).u32(m.fid()).finish();
            case Tremove m -> WireWriter.begin(out, TREMOVE, m.tag()).u32(m.fid()).finish();
            case Tstatfs m -> WireWriter.begin(out, TSTATFS, m.tag()).u32(m.fid()).finish();
            case Tgetattr m -> WireWriter.begin(out, TGETATTR, m.tag()).u32(m.fid()).u64(m.requestMask()).finish();
            case Tsetattr m -> WireWriter.begin(out, TSETATTR, m.tag()).u32(m.fid()).u32(m.valid()).u32(m.mode())
                    .u32(m.uid()).u32(m.gid()).u64(m.size()).u64(m.atimeSec()).u64(m.atimeNsec())
                    .u64(m.mtimeSec()).u64(m.mtimeNsec()).finish();
            case Treaddir m -> WireWriter.begin(out, TREADDIR, m.tag()).u32(m.fid()).u64(m.offset()).u32(m.count())
                    .finish();
            case Tfsync m -> WireWriter.begin(out, TFSYNC, m.tag()).u32(m.fid()).u32(m.datasync()).finish();
            case Tmkdir m -> WireWriter.begin(out, TMKDIR, m.tag()).u32(m.dfid()).string(m.name()).u32(m.mode())
                    .u32(m.gid()).finish();
            case Tsymlink m -> WireWriter.begin(out, TSYMLINK, m.tag()).u32(m.fid()).string(m.name())
                    .string(m.target()).u32(m.gid()).finish();
            case Tmknod m -> WireWriter.begin(out, TMKNOD, m.tag()).u32(m.dfid()).string(m.name()).u32(m.mode())
                    .u32(m.major()).u32(m.minor()).u32(m.gid()).finish();
            case Treadlink m -> WireWriter.begin(out, TREADLINK, m.tag()).u32(m.fid()).finish();
            case Tlink m -> WireWriter.begin(out, TLINK, m.tag()).u32(m.dfid()).u32(m.fid()).string(m.name()).finish();
            case Trename m -> WireWriter.begin(out, TRENAME, m.tag()).u32(m.fid()).u32(m.dfid()).string(m.name())
                    .finish();
            case Trenameat m -> WireWriter.begin(out, TRENAMEAT, m.tag()).u32(m.oldDirFid()).string(m.oldName())
                    .u32(m.newDirFid()).string(m.newName()).finish();
            case Tunlinkat m -> WireWriter.begin(out, TUNLINKAT, m.tag()).u32(m.dirFid()).string(m.name())
                    .u32(m.flags()).finish();
            case Txattrwalk m -> WireWriter.begin(out, TXATTRWALK, m.tag()).u32(m.fid()).u32(m.newfid())
                    .string(m.name()).finish();
            case Txattrcreate m -> WireWriter.begin(out, TXATTRCREATE, m.tag()).u32(m.fid()).string(m.name())
                    .u64(m.attrSize()).u32(m.flags()).finish();
            case Tlock m -> WireWriter.begin(out, TLOCK, m.tag()).u32(m.fid()).u8(m.type()).u32(m.flags())
                    .u64(m.start()).u64(m.length()).u32(m.procId()).string(m.clientId()).finish();
            case Tgetlock m -> WireWriter.begin(out, TGETLOCK, m.tag()).u32(m.fid()).u8(m.type()).u64(m.start())
                    .u64(m.length()).u32(m.procId()).string(m.clientId()).finish();
            case Rejected m -> throw new IllegalArgumentException("Rejected is not a wire message");
        }
    }
}
