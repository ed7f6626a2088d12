package cairn.engine.lsm.compaction;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs compactions in the background, one job at a time, on one virtual thread. {@link #trigger()} (after an L0
 * flush or a commit) is cheap and coalesces: at most one pass is queued behind the running one. A pass plans
 * and runs jobs until the planner has nothing to do, the host refuses a commit, or a job fails (then the host
 * is told and the next trigger tries again). When the planner is done, the host is asked for a repack job (at most twice a pass).
 */
public final class CompactionScheduler implements AutoCloseable {

    /** The database side: current shape, retention point, commit. */
    public interface Host {
        LsmShape shape();

        /** The oldest sequence number a live snapshot or reader may still read at. */
        long minRetainedSeq();

        /** Buffers pointer drops of this job until its commit. */
        PointerDropListener pointerListener(CompactionJob job);

        /** A job the host wants once the planner has nothing to do (a segment repack); asked at most twice a pass. */
        default Optional<CompactionJob> repackJob(LsmShape shape) {
            return Optional.empty();
        }

        /** How {@code job} rewrites the pointers it keeps (called after {@link #pointerListener}). */
        default PointerRewriter pointerRewriter(CompactionJob job) {
            return PointerRewriter.NONE;
        }

        /** Commits the result to the manifest; false if it could not (e.g. fenced or closing). */
        boolean commit(CompactionResult result);

        void failed(CompactionJob job, Throwable error);
    }

    /**
     * A repack's full merge drops shadowed pointers, which can leave further segments sparse; a second plan right
     * after repacks those, so a quiet database ends a pass with every segment at or above the live ratio.
     */
    private static final int REPACK_PLANS_PER_PASS_MAX = 2;

    private final CompactionPlanner planner;
    private final CompactionExecutor executor;
    private final Host host;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("compaction").factory());
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean closed;
    private final AtomicLong jobsCommitted = new AtomicLong();
    private final AtomicLong jobsFailed = new AtomicLong();

    public CompactionScheduler(CompactionPlanner planner, CompactionExecutor executor, Host host) {
        this.planner = planner;
        this.executor = executor;
        this.host = host;
    }

    public void trigger() {
        if (closed || !queued.compareAndSet(false, true)) return;
        try {
            thread.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.set(false); // closed concurrently: nothing more to run
        }
    }

    private void pass() {
        queued.set(false);
        int repackPlans = 0;
        while (!closed) {
            LsmShape shape = host.shape();
            Optional<CompactionJob> job = planner.plan(shape);
            if (job.isEmpty() && repackPlans < REPACK_PLANS_PER_PASS_MAX) {
                job = host.repackJob(shape);
                repackPlans++;
            }
            if (job.isEmpty()) return;
            try {
                PointerDropListener drops = host.pointerListener(job.get());
                CompactionResult result = executor.execute(job.get(), host.minRetainedSeq(), drops, host.pointerRewriter(job.get()));
                if (!host.commit(result)) return;
                jobsCommitted.incrementAndGet();
            } catch (RuntimeException e) {
                jobsFailed.incrementAndGet();
                host.failed(job.get(), e);
                return;
            }
        }
    }

    public long jobsCommitted() {
        return jobsCommitted.get();
    }

    public long jobsFailed() {
        return jobsFailed.get();
    }

    /** Waits up to {@code timeoutMs} until every pass queued before this call, and every pass they queued, has finished. */
    public boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        do { // a pass may queue the next one (its commit triggers): wait until a marker finds nothing queued
            var done = new java.util.concurrent.CountDownLatch(1);
            thread.execute(done::countDown);
            if (!done.await(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS)) return false;
        } while (queued.get());
        return true;
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
