package cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.codec.CorruptObjectException;
import cairn.engine.lsm.codec.ObjectFrame;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.engine.lsm.manifest.Manifest;
import cairn.engine.lsm.manifest.ManifestCodec;
import cairn.engine.lsm.manifest.SortedRun;
import cairn.engine.lsm.manifest.SstHandle;
import cairn.engine.lsm.segment.Segment;
import cairn.engine.lsm.segment.SegmentNames;
import cairn.engine.lsm.wal.WalObject;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round trips, and hostile bytes: a damaged object is a CorruptObjectException naming it, never a crash. */
class CodecTest {

    static Manifest sampleManifest() {
        var sst = new SstHandle("0000000000001-00ff", new byte[] {1}, new byte[] {9, 9}, 1234, 77, new byte[] {4, 2});
        return new Manifest(3, 10, 12, 77, 999, List.of(sst), List.of(new SortedRun(5, List.of(sst, sst))),
                List.of(new Checkpoint(1, 4, 0, "nightly")), List.of(new Segment(7, 100, 60), new Segment(8 | SegmentNames.REPACKED, 50, 50)), 2);
    }

    @Test
    void manifestRoundTrips() {
        Manifest m = sampleManifest();
        Manifest back = ManifestCodec.decode("manifest/x", ManifestCodec.encode(m));
        assertEquals(m.epoch(), back.epoch());
        assertEquals(m.replayAfterWalId(), back.replayAfterWalId());
        assertEquals(m.walIdLastSeen(), back.walIdLastSeen());
        assertEquals(m.lastL0Seq(), back.lastL0Seq());
        assertEquals(m.checkpoints(), back.checkpoints());
        assertEquals(m.segments(), back.segments());
        assertEquals(1, back.runs().size());
        assertArrayEquals(new byte[] {9, 9}, back.runs().get(0).ssts().get(1).lastKey());
    }

    @Test
    void fenceIsAHeaderOnlyWalObject() {
        byte[] fence = WalObject.fence(42);
        assertEquals(ObjectFrame.HEADER_BYTES, fence.length);
        WalObject w = WalObject.decode(7, fence);
        assertTrue(w.isFence());
        assertEquals(42, w.epoch());
    }

    @Test
    void damagedObjectsAreReportedNotCrashedOn() {
        var rnd = new Random(7);
        byte[] manifest = ManifestCodec.encode(sampleManifest());
        for (int i = 0; i < 3000; i++) {
            byte[] bad = mutate(manifest, rnd);
            try {
                ManifestCodec.decode("manifest/bad", bad);
            } catch (CorruptObjectException e) {
                assertEquals("manifest/bad", e.objectKey());
            }
            // with the checksum fixed up, the payload parser itself must reject garbage
            byte[] resealed = reseal(bad);
            try {
                ManifestCodec.decode("manifest/bad", resealed);
            } catch (CorruptObjectException e) {
                assertEquals("manifest/bad", e.objectKey());
            }
            try {
                WalObject.decode(3, reseal(withMagic(bad, ObjectFrame.MAGIC_WAL)));
            } catch (CorruptObjectException e) {
                assertTrue(e.getMessage().contains("wal/00000000000000000003"));
            }
        }
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = rnd.nextInt(4) == 0 ? Arrays.copyOf(in, rnd.nextInt(in.length + 1)) : in.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int i = 0; i < flips && b.length > 0; i++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        return b;
    }

    private static byte[] withMagic(byte[] b, int magic) {
        if (b.length < 4) return b;
        byte[] c = b.clone();
        c[0] = (byte) (magic >>> 24);
        c[1] = (byte) (magic >>> 16);
        c[2] = (byte) (magic >>> 8);
        c[3] = (byte) magic;
        return c;
    }

    /** Recomputes the header (length, version, checksum) around whatever payload the bytes carry. */
    private static byte[] reseal(byte[] b) {
        if (b.length < ObjectFrame.HEADER_BYTES) return b;
        int magic = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        long epoch = 0;
        for (int i = 8; i < 16; i++) epoch = (epoch << 8) | (b[i] & 0xFF);
        return ObjectFrame.encode(magic, epoch, Arrays.copyOfRange(b, ObjectFrame.HEADER_BYTES, b.length));
    }
}
