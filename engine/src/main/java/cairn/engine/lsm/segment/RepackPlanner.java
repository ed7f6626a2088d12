package cairn.engine.lsm.segment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides when the writer runs a full merge of every SST, and which segments it repacks on the way. Candidates are
 * the segments whose live fraction fell below {@code liveRatioMin}, sparsest first, until {@code copyBytesMax} live
 * bytes; they are worth it only when they free at least {@code reclaimBytesMin} and at least the SST bytes the merge
 * rewrites. Independently, while segments exist, a full merge runs when the SST bytes above the oldest run reach
 * {@code sizeAmplificationMax} times the oldest run (the versions newer runs shadow keep their segments live until a
 * merge drops their pointers). Pure: no I/O.
 */
public final class RepackPlanner {
    private final RepackOptions options;

    public RepackPlanner(RepackOptions options) {
        this.options = options;
    }

    /**
     * The segments a full merge should repack (possibly none), or empty when no full merge is worth running now.
     *
     * @param sstBytes  bytes of every L0 and run
     * @param baseBytes bytes of the oldest run (of the oldest L0 when there is no run)
     */
    public Optional<Set<Long>> plan(List<Segment> segments, long sstBytes, long baseBytes) {
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
        if (reclaim >= Math.max(options.reclaimBytesMin(), sstBytes)) return Optional.of(picked);
        long newer = sstBytes - baseBytes;
        if (!segments.isEmpty() && newer > 0 && newer >= options.sizeAmplificationMax() * baseBytes) return Optional.of(Set.of());
        return Optional.empty();
    }
}
