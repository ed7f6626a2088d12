package cairn.engine.lsm.compaction;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.iter.EntryIterator;
import cairn.engine.lsm.iter.MergedEntries;
import cairn.engine.lsm.sst.SortedRun;
import cairn.engine.lsm.sst.SstInfo;
import cairn.engine.lsm.sst.SstReaders;
import cairn.engine.lsm.sst.SstWriter;
import cairn.engine.store.ObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Runs one {@link CompactionJob}: merge-iterates the inputs (without filling the block cache), drops versions
 * no snapshot at or above {@code minRetainedSeq} can see (and bottom tombstones), and writes the rest as new
 * SSTs cut at about {@code sstTargetBytes}, at key boundaries so the run stays disjoint. Commits nothing: the
 * caller commits the returned {@link CompactionResult} to the manifest. If the job fails, SSTs it already
 * wrote are deleted (best effort; GC removes any leftover unreferenced SST).
 */
public final class CompactionExecutor {
    private final SstReaders readers;
    private final SstWriter writer;
    private final ObjectStore store;
    private final long sstTargetBytes;

    public CompactionExecutor(SstReaders readers, SstWriter writer, ObjectStore store, long sstTargetBytes) {
        this.readers = readers;
        this.writer = writer;
        this.store = store;
        this.sstTargetBytes = sstTargetBytes;
    }

    public CompactionResult execute(CompactionJob job, long minRetainedSeq, PointerDropListener listener) {
        return execute(job, minRetainedSeq, listener, PointerRewriter.NONE);
    }

    /** Like {@link #execute(CompactionJob, long, PointerDropListener)}, every kept pointer passing through {@code rewriter}. */
    public CompactionResult execute(CompactionJob job, long minRetainedSeq, PointerDropListener listener, PointerRewriter rewriter) {
        if (job.trivialMove()) return trivialMove(job);
        List<EntryIterator> sources = new ArrayList<>();
        for (SstInfo s : job.l0()) sources.add(readers.scan(s, null, null, false));
        for (SortedRun r : job.runs()) sources.add(readers.scan(r, null, null, false));
        List<SstInfo> written = new ArrayList<>();
        long entriesOut = 0;
        try (var retained = new VersionRetention(new MergedEntries(sources), minRetainedSeq, job.bottom(), listener)) {
            SstWriter.Builder b = null;
            for (Entry e; (e = retained.next()) != null; ) {
                if (b != null && b.estimatedBytes() >= sstTargetBytes && Keys.compare(b.lastKey(), e.key()) != 0) {
                    written.add(b.finish());
                    b = null;
                }
                if (b == null) b = writer.builder();
                b.add(e.kind() == Entry.Kind.POINTER ? rewriter.rewrite(e) : e);
                entriesOut++;
            }
            if (b != null) written.add(b.finish());
            rewriter.finish();
            var stats = new CompactionResult.Stats(retained.entriesIn, entriesOut, retained.versionsDropped,
                    retained.tombstonesDropped, retained.pointersDropped, job.inputBytes(),
                    written.stream().mapToLong(SstInfo::sizeBytes).sum());
            Optional<SortedRun> output = written.isEmpty() ? Optional.empty() : Optional.of(new SortedRun(job.outputRunId(), written));
            return new CompactionResult(job, output, written, stats);
        } catch (RuntimeException | Error e) {
            for (SstInfo s : written) {
                try {
                    store.delete(s.objectKey());
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static CompactionResult trivialMove(CompactionJob job) {
        List<SstInfo> all = new ArrayList<>(job.l0());
        job.runs().forEach(r -> all.addAll(r.ssts()));
        all.sort(Comparator.comparing(SstInfo::firstKey, Keys::compare));
        long entries = all.stream().mapToLong(SstInfo::entryCount).sum();
        long bytes = job.inputBytes();
        var stats = new CompactionResult.Stats(entries, entries, 0, 0, 0, bytes, 0);
        return new CompactionResult(job, Optional.of(new SortedRun(job.outputRunId(), all)), List.of(), stats);
    }
}
