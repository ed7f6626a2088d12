package cairn.protocols.ninep.wire;

import static cairn.protocols.ninep.wire.MessageType.*;

import cairn.protocols.ninep.wire.Rmessage.*;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** R-messages to and from bytes. A frame here is type[1] tag[2] body, the size already stripped. */
public final class ReplyCodec {
    private ReplyCodec() {}

    /** Appends the whole message, size prefix included. */
    public static void encode(Rmessage message, ByteBuf out) {
        switch (message) {
            case Rlerror m -> WireWriter.begin(out, RLERROR, m.tag()).u32(m.ecode()).finish();
            case Rversion m -> WireWriter.begin(out, TVERSION + 1, m.tag()).u32(m.msize()).string(m.version())
                    .finish();
            case Rauth m -> WireWriter.begin(out, TAUTH + 1, m.tag()).qid(m.aqid()).finish();
            case Rattach m -> WireWriter.begin(out, TATTACH + 1, m.tag()).qid(m.qid()).finish();
            case Rflush m -> WireWriter.begin(out, TFLUSH + 1, m.tag()).finish();
            case Rwalk m -> {
                var w = WireWriter.begin(out, TWALK + 1, m.tag()).u16(m.qids().size());
                m.qids().forEach(w::qid);
                w.finish();
            }
            case Rlopen m -> WireWriter.begin(out, TLOPEN + 1, m.tag()).qid(m.qid()).u32(m.iounit()).finish();
            case Rlcreate m -> WireWriter.begin(out, TLCREATE + 1, m.tag()).qid(m.qid()).u32(m.iounit()).finish();
            case Rread m -> WireWriter.begin(out, TREAD + 1, m.tag()).data(m.data()).finish();
            case Rwrite m -> WireWriter.begin(out, TWRITE + 1, m.tag()).u32(m.count()).finish();
            case Rclunk m -> WireWriter.begin(out, TCLUNK + 1, m.tag()).finish();
            case Rremove m -> WireWriter.begin(out, TREMOVE + 1, m.tag()).finish();
            case Rstatfs m -> WireWriter.begin(out, TSTATFS + 1, m.tag()).u32(m.type()).u32(m.bsize())
                    .u64(m.blocks()).u64(m.bfree()).u64(m.bavail()).u64(m.files()).u64(m.ffree()).u64(m.fsid())
                    .u32(m.namelen()).finish();
            case Rgetattr m -> WireWriter.begin(out, TGETATTR + 1, m.tag()).u64(m.valid()).qid(m.qid())
                    .u32(m.mode()).u32(m.uid()).u32(m.gid()).u64(m.nlink()).u64(m.rdev()).u64(m.size())
                    .u64(m.blksize()).u64(m.blocks()).u64(m.atimeSec()).u64(m.atimeNsec()).u64(m.mtimeSec())
                    .u64(m.mtimeNsec()).u64(m.ctimeSec()).u64(m.ctimeNsec()).u64(m.btimeSec()).u64(m.btimeNsec())
                    .u64(m.gen()).u64(m.dataVersion()).finish();
            case Rsetattr m -> WireWriter.begin(out, TSETATTR + 1, m.tag()).finish();
            case Rreaddir m -> {
                var w = WireWriter.begin(out, TREADDIR + 1, m.tag());
                int countAt = out.writerIndex();
                w.u32(0);
                for (Dirent e : m.entries()) w.qid(e.qid()).u64(e.offset()).u8(e.type()).string(e.name());
                out.setIntLE(countAt, out.writerIndex() - countAt - 4);
                w.finish();
            }
            case Rfsync m -> WireWriter.begin(out, TFSYNC + 1, m.tag()).finish();
            case Rmkdir m -> WireWriter.begin(out, TMKDIR + 1, m.tag()).qid(m.qid()).finish();
            case Rsymlink m -> WireWriter.begin(out, TSYMLINK + 1, m.tag()).qid(m.qid()).finish();
            case Rmknod m -> WireWriter.begin(out, TMKNOD + 1, m.tag()).qid(m.qid()).finish();
            case Rreadlink m -> WireWriter.begin(out, TREADLINK + 1, m.tag()).string(m.target()).finish();
            case Rlink m -> WireWriter.begin(out, TLINK + 1, m.tag()).finish();
            case Rrename m -> WireWriter.begin(out, TRENAME + 1, m.tag()).finish();
            case Rrenameat m -> WireWriter.begin(out, TRENAMEAT + 1, m.tag()).finish();
            case Runlinkat m -> WireWriter.begin(out, TUNLINKAT + 1, m.tag()).finish();
            case Rxattrwalk m -> WireWriter.begin(out, TXATTRWALK + 1, m.tag()).u64(m.size()).finish();
            case Rxattrcreate m -> WireWriter.begin(out, TXATTRCREATE + 1, m.tag()).finish();
            case Rlock m -> WireWriter.begin(out, TLOCK + 1, m.tag()).u8(m.status()).finish();
            case Rgetlock m -> WireWriter.begin(out, TGETLOCK + 1, m.tag()).u8(m.type()).u64(m.start())
                    .u64(m.length()).u32(m.procId()).string(m.clientId()).finish();
        }
    }

    /** Decodes one reply; anything malformed or unknown throws {@link ProtocolException}. */
    public static Rmessage decode(ByteBuf frame) {
        var r = new WireReader(frame);
        int type = r.u8();
        int tag = r.u16();
        Rmessage m = switch (type) {
            case RLERROR -> new Rlerror(tag, r.u32());
            case TVERSION + 1 -> new Rversion(tag, r.u32(), r.string());
            case TAUTH + 1 -> new Rauth(tag, r.qid());
            case TATTACH + 1 -> new Rattach(tag, r.qid());
            case TFLUSH + 1 -> new Rflush(tag);
            case TWALK + 1 -> {
                int count = r.u16();
                if (count > Protocol.MAXWELEM) throw new ProtocolException("Rwalk with " + count + " qids");
                List<Qid> qids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) qids.add(r.qid());
                yield new Rwalk(tag, qids);
            }
            case TLOPEN + 1 -> new Rlopen(tag, r.qid(), r.u32());
            case TLCREATE + 1 -> new Rlcreate(tag, r.qid(), r.u32());
            case TREAD + 1 -> new Rread(tag, r.bytes(r.u32()));
            case TWRITE + 1 -> new Rwrite(tag, r.u32());
            case TCLUNK + 1 -> new Rclunk(tag);
            case TREMOVE + 1 -> new Rremove(tag);
            case TSTATFS + 1 -> new Rstatfs(tag, r.u32(), r.u32(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(),
                    r.u64(), r.u32());
            case TGETATTR + 1 -> new Rgetattr(tag, r.u64(), r.qid(), r.u32(), r.u32(), r.u32(), r.u64(), r.u64(),
                    r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(),
                    r.u64(), r.u64(), r.u64());
            case TSETATTR + 1 -> new Rsetattr(tag);
            case TREADDIR + 1 -> decodeReaddir(tag, r);
            case TFSYNC + 1 -> new Rfsync(tag);
            case TMKDIR + 1 -> new Rmkdir(tag, r.qid());
            case TSYMLINK + 1 -> new Rsymlink(tag, r.qid());
            case TMKNOD + 1 -> new Rmknod(tag, r.qid());
            case TREADLINK + 1 -> new Rreadlink(tag, r.string());
            case TLINK + 1 -> new Rlink(tag);
            case TRENAME + 1 -> new Rrename(tag);
            case TRENAMEAT + 1 -> new Rrenameat(tag);
            case TUNLINKAT + 1 -> new Runlinkat(tag);
            case TXATTRWALK + 1 -> new Rxattrwalk(tag, r.u64());
            case TXATTRCREATE + 1 -> new Rxattrcreate(tag);
            case TLOCK + 1 -> new Rlock(tag, r.u8());
            case TGETLOCK + 1 -> new Rgetlock(tag, r.u8(), r.u64(), r.u64(), r.u32(), r.string());
            default -> throw new ProtocolException("unknown reply type " + type);
        };
        r.end();
        return m;
    }

    private static Rreaddir decodeReaddir(int tag, WireReader r) {
        int count = r.u32();
        if (count < 0 || count != r.remaining()) throw new ProtocolException("Rreaddir count does not match");
        List<Dirent> entries = new ArrayList<>();
        while (r.remaining() > 0) entries.add(new Dirent(r.qid(), r.u64(), r.u8(), r.string()));
        return new Rreaddir(tag, entries);
    }
}
