package cairn.protocols.ninep;

import java.util.Map;

/**
 * Server settings.
 *
 * @param msizeMax            largest msize granted in Tversion (frame bytes)
 * @param trustClientUids     true: an attach's n_uname is the caller's uid (like {@code access=user} mounts
 *                            expect); false: every attach runs as {@code anonUid}/{@code anonGid}
 * @param rootSquash          with trusted uids, map uid 0 to the anonymous uid as well
 * @param anonUid             the squashed uid
 * @param anonGid             the squashed gid
 * @param primaryGids         uid to primary gid, where known (9P carries no groups); otherwise gid = uid
 * @param maxInFlight         requests one connection runs at once; more wait in a queue
 * @param connectionBudgetBytes request and reply bytes one connection may hold before reading stops
 */
public record NinepOptions(int msizeMax, boolean trustClientUids, boolean rootSquash, int anonUid, int anonGid,
                           Map<Integer, Integer> primaryGids, int maxInFlight, long connectionBudgetBytes) {

    public static final int MSIZE_MIN = 4096;
    public static final int NOBODY = 65534;

    public NinepOptions {
        if (msizeMax < MSIZE_MIN) throw new IllegalArgumentException("msizeMax below " + MSIZE_MIN);
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be positive");
        if (connectionBudgetBytes < msizeMax) throw new IllegalArgumentException("budget below msizeMax");
        primaryGids = Map.copyOf(primaryGids);
    }

    /** Trusted uids, 1 MiB msize, 32 requests in flight, 16 MiB per connection. */
    public static NinepOptions defaults() {
        return new NinepOptions(1 << 20, true, false, NOBODY, NOBODY, Map.of(), 32, 16L << 20);
    }

    public NinepOptions withMsizeMax(int bytes) {
        return new NinepOptions(bytes, trustClientUids, rootSquash, anonUid, anonGid, primaryGids, maxInFlight,
                Math.max(connectionBudgetBytes, bytes));
    }

    public NinepOptions squashAll(int uid, int gid) {
        return new NinepOptions(msizeMax, false, rootSquash, uid, gid, primaryGids, maxInFlight,
                connectionBudgetBytes);
    }

    public NinepOptions withRootSquash(boolean squash) {
        return new NinepOptions(msizeMax, trustClientUids, squash, anonUid, anonGid, primaryGids, maxInFlight,
                connectionBudgetBytes);
    }

    public NinepOptions withPrimaryGids(Map<Integer, Integer> gids) {
        return new NinepOptions(msizeMax, trustClientUids, rootSquash, anonUid, anonGid, gids, maxInFlight,
                connectionBudgetBytes);
    }

    public NinepOptions withLimits(int inFlight, long budgetBytes) {
        return new NinepOptions(msizeMax, trustClientUids, rootSquash, anonUid, anonGid, primaryGids, inFlight,
                budgetBytes);
    }
}
