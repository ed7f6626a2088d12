package cairn.server.node;

import cairn.election.EpochLedger;
import cairn.election.EpochRecord;
import cairn.engine.store.ObjectStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fencing token for a node without {@code [ha]}: it simply claims the epoch after the newest one
 * ({@code epoch/<n+1>}, create-if-absent) and opens the engine as writer there, which fences whoever wrote
 * before. Losing the create race means another node is starting on the same bucket right now; after a
 * bounded number of attempts that is an error, not a loop.
 */
final class SingleNodeEpoch {
    private static final Logger log = LoggerFactory.getLogger(SingleNodeEpoch.class);
    static final int ATTEMPTS_MAX = 3;

    private SingleNodeEpoch() {}

    static long claim(ObjectStore store, String nodeId, String clientAddress) {
        var ledger = new EpochLedger(store);
        for (int attempt = 1; attempt <= ATTEMPTS_MAX; attempt++) {
            Optional<EpochRecord> claimed = ledger.claimNext(nodeId, clientAddress, 0);
            if (claimed.isPresent()) {
                log.info("claimed writer epoch {} as {}", claimed.get().epoch(), nodeId);
                return claimed.get().epoch();
            }
        }
        String who = ledger.latest().map(r -> "epoch " + r.epoch() + " by " + r.nodeId()).orElse("unknown");
        throw new IllegalStateException("could not claim a writer epoch in " + ATTEMPTS_MAX
                + " attempts: another node is starting on this bucket (newest: " + who + ")");
    }
}
