package cairn.engine.lsm.compaction;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the next size-tiered compaction; a pure function of the shape. L0 first (it gates writes): once
 * {@code l0Trigger} L0s exist, the oldest (up to {@code l0PerJobMax}) become a new, newest run. Otherwise the
 * newest window of adjacent runs with similar sizes is merged; too many runs force a merge of the cheapest
 * window. Inputs are always contiguous in age order, so the output takes their place without reordering data.
 */
public final class CompactionPlanner {
    private final CompactionOptions options;

    public CompactionPlanner(CompactionOptions options) {
        this.options = options;
    }

    public Optional<CompactionJob> plan(LsmShape shape) {
        List<SstInfo> l0 = shape.l0();
        List<SortedRun> runs = shape.runs();
        if (l0.size() >= options.l0Trigger()) {
            int take = Math.min(l0.size(), options.l0PerJobMax());
            List<SstInfo> inputs = l0.subList(l0.size() - take, l0.size()); // the oldest ones
            boolean move = options.trivialMoves() && disjoint(inputs);
            return Optional.of(new CompactionJob(inputs, List.of(), shape.nextRunId(), runs.isEmpty(), move));
        }
        int[] window = similarWindow(runs);
        if (window == null && runs.size() > options.runsMax()) window = cheapestWindow(runs);
        if (window == null) return Optional.empty();
        List<SortedRun> inputs = runs.subList(window[0], window[1]);
        List<SstInfo> all = new ArrayList<>();
        inputs.forEach(r -> all.addAll(r.ssts()));
        boolean move = options.trivialMoves() && disjoint(all);
        return Optional.of(new CompactionJob(List.of(), inputs, inputs.getFirst().id(), window[1] == runs.size(), move));
    }

    /** The newest window [i, j) of adjacent runs whose sizes are within the ratio, as long as allowed. */
    private int[] similarWindow(List<SortedRun> runs) {
        for (int i = 0; i + options.runsPerJobMin() <= runs.size(); i++) {
            long min = Long.MAX_VALUE;
            long max = 0;
            int j = i;
            while (j < runs.size() && j - i < options.runsPerJobMax()) {
                long s = Math.max(1, runs.get(j).sizeBytes());
                long newMin = Math.min(min, s);
                long newMax = Math.max(max, s);
                if ((double) newMax / newMin > options.sizeRatioMax()) break;
                min = newMin;
                max = newMax;
                j++;
            }
            if (j - i >= options.runsPerJobMin()) return new int[] {i, j};
        }
        return null;
    }

    private int[] cheapestWindow(List<SortedRun> runs) {
        int n = options.runsPerJobMin();
        int best = 0;
        long bestBytes = Long.MAX_VALUE;
        for (int i = 0; i + n <= runs.size(); i++) {
            long bytes = 0;
            for (int j = i; j < i + n; j++) bytes += runs.get(j).sizeBytes();
            if (bytes < bestBytes) {
                bestBytes = bytes;
                best = i;
            }
        }
        return new int[] {best, best + n};
    }

    /** True when no two SSTs overlap, i.e. they can form one run as they are. */
    static boolean disjoint(List<SstInfo> ssts) {
        List<SstInfo> sorted = new ArrayList<>(ssts);
        sorted.sort(Comparator.comparing(SstInfo::firstKey, Keys::compare));
        for (int i = 1; i < sorted.size(); i++) {
            if (Keys.compare(sorted.get(i - 1).lastKey(), sorted.get(i).firstKey()) >= 0) return false;
        }
        return true;
    }
}
