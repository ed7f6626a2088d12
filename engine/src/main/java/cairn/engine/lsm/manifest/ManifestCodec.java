package cairn.engine.lsm.manifest;

import cairn.engine.lsm.codec.BinaryReader;
import cairn.engine.lsm.codec.BinaryWriter;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.segment.Segment;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary layout of a manifest payload (inside an {@link ObjectFrame} with magic "CMAN"; the frame's epoch equals
 * the payload's): u64 fields epoch, replayAfterWalId, walIdLastSeen, lastL0Seq, writtenAtMs, nextCheckpointId;
 * then u32-counted lists: l0 SSTs, runs (u64 id + SST list), checkpoints (u64 id, u64 manifestId,
 * u64 expiresAtMs, u16-length name), segments (u64 id, u64 valueBytes, u64 liveBytes). An SST: u16-length id, u32-length firstKey and lastKey,
 * u64 sizeBytes, u64 maxSeq, u32-length descriptor.
 */
public final class ManifestCodec {
    private ManifestCodec() {}

    public static byte[] encode(Manifest m) {
        BinaryWriter w = new BinaryWriter(256);
        w.u64(m.epoch()).u64(m.replayAfterWalId()).u64(m.walIdLastSeen()).u64(m.lastL0Seq()).u64(m.writtenAtMs())
                .u64(m.nextCheckpointId());
        writeSsts(w, m.l0());
        w.u32(m.runs().size());
        for (SortedRun r : m.runs()) {
            w.u64(r.id());
            writeSsts(w, r.ssts());
        }
        w.u32(m.checkpoints().size());
        for (Checkpoint c : m.checkpoints()) w.u64(c.id()).u64(c.manifestId()).u64(c.expiresAtMs()).string(c.name());
        w.u32(m.segments().size());
        for (Segment s : m.segments()) w.u64(s.id()).u64(s.valueBytes()).u64(s.liveBytes());
        return ObjectFrame.encode(ObjectFrame.MAGIC_MANIFEST, m.epoch(), w.toByteArray());
    }

    public static Manifest decode(String key, byte[] bytes) {
        ObjectFrame.Frame f = ObjectFrame.decode(key, bytes, ObjectFrame.MAGIC_MANIFEST);
        BinaryReader r = f.payload(key);
        long epoch = r.u64();
        if (epoch != f.epoch()) throw r.corrupt("payload epoch " + epoch + " differs from header epoch " + f.epoch());
        long replayAfter = r.u64(), lastSeen = r.u64(), lastL0Seq = r.u64(), writtenAt = r.u64(), nextCp = r.u64();
        List<SstHandle> l0 = readSsts(r);
        int nRuns = r.count(12);
        List<SortedRun> runs = new ArrayList<>(nRuns);
        for (int i = 0; i < nRuns; i++) runs.add(new SortedRun(r.u64(), readSsts(r)));
        int nCps = r.count(26);
        List<Checkpoint> cps = new ArrayList<>(nCps);
        for (int i = 0; i < nCps; i++) cps.add(new Checkpoint(r.u64(), r.u64(), r.u64(), r.string()));
        int nSegs = r.count(24);
        List<Segment> segs = new ArrayList<>(nSegs);
        for (int i = 0; i < nSegs; i++) {
            long id = r.u64(), valueBytes = r.u64(), liveBytes = r.u64();
            if (liveBytes <= 0 || valueBytes < liveBytes) throw r.corrupt("segment " + id + " has live " + liveBytes + " of " + valueBytes + " bytes");
            segs.add(new Segment(id, valueBytes, liveBytes));
        }
        if (r.hasRemaining()) throw r.corrupt("trailing bytes");
        return new Manifest(epoch, replayAfter, lastSeen, lastL0Seq, writtenAt, l0, runs, cps, segs, nextCp);
    }

    private static void writeSsts(BinaryWriter w, List<SstHandle> ssts) {
        w.u32(ssts.size());
        for (SstHandle s : ssts) w.string(s.id()).lengthPrefixed(s.firstKey()).lengthPrefixed(s.lastKey()).u64(s.sizeBytes()).u64(s.maxSeq()).lengthPrefixed(s.descriptor());
    }

    private static List<SstHandle> readSsts(BinaryReader r) {
        int n = r.count(30);
        List<SstHandle> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new SstHandle(r.string(), r.lengthPrefixed(), r.lengthPrefixed(), r.u64(), r.u64(), r.lengthPrefixed()));
        return out;
    }
}
