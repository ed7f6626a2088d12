package cairn.engine.lsm;

import cairn.engine.store.Fault;
import cairn.engine.store.FaultInjectingStore;
import cairn.engine.store.FaultRule;
import cairn.engine.store.ObjectStore;

/** Store decorators the engine tests share. */
final class TestStores {
    private TestStores() {}

    /** Seeded retryable errors on every call and lost replies on writes, each with probability {@code rate}. */
    static FaultInjectingStore faulty(ObjectStore bucket, long seed, double rate) {
        var store = new FaultInjectingStore(bucket, seed);
        store.add(FaultRule.always(Fault.retryableError()).withProbability(rate));
        store.add(FaultRule.always(Fault.replyLost()).onWrites().withProbability(rate));
        return store;
    }
}
