package cairn.chaos.s3;

import cairn.engine.store.PauseGate;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The faults currently injected and the pause switch. Thread-safe; a seeded random source makes a run
 * repeatable for the same request order.
 */
public final class FaultPlan {

    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final SplittableRandom random;
    private final PauseGate gate = new PauseGate();

    public FaultPlan(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public void add(FaultRule rule) {
        rules.add(rule);
    }

    public void clear() {
        rules.clear();
    }

    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    /** The first matching rule that fires for this request, if any. */
    public Optional<FaultRule> pick(S3Op op, String key) {
        for (FaultRule r : rules) {
            if (r.matches(op, key) && draw() < r.probability()) return Optional.of(r);
        }
        return Optional.empty();
    }

    private synchronized double draw() {
        return random.nextDouble();
    }

    public void pause() {
        gate.pause();
    }

    public void resume() {
        gate.resume();
    }

    public boolean paused() {
        return gate.paused();
    }

    /** Blocks the calling (virtual) thread while the proxy is paused. */
    public void awaitResumed() throws InterruptedException {
        gate.await();
    }
}
