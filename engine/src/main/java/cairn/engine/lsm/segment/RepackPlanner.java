package cairn.engine.lsm.segment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the segments one repack copies: those whose live fraction fell below {@code liveRatioMin}, sparsest first,
 * until {@code copyBytesMax} live bytes. A repack is a full merge of every SST (see {@code SegmentRepacker}), so it
 * is worth it only when the candidates free at least {@code reclaimBytesMin} and at least the SST bytes the merge
 * rewrites. Pure: no I/O.
 */
public final class RepackPlanner {
    private final RepackOptions options;

    public RepackPlanner(RepackOptions options) {
        this.options = options;
    }

    /** The candidate segment ids, or an empty set when no repack is worth running now. */
    public Set<Long> plan(List<Segment> segments, long sstBytes) {
        List<Segment> sparse = new ArrayList<>();
        for (Segment s : segments) if (s.liveRatio() < options.liveRatioMin()) sparse.add(s);
        sparse.sort(Comparator.comparingDouble(Segment::liveRatio));
        Set<Long> picked = new HashSet<>();
        long copy = 0, reclaim = 0;
        for (Segment s : sparse) {
            if (copy + s.liveBytes() > options.copyBytesMax() && !picked.isEmpty()) break;
            picked.add(s.id());
            copy += s.liveBytes();
            reclaim += s.deadBytes();
        }
        return reclaim >= Math.max(options.reclaimBytesMin(), sstBytes) ? picked : Set.of();
    }
}
