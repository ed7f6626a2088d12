package cairn.protocols.ninep;

import cairn.engine.fs.Caller;
import cairn.protocols.ninep.wire.Protocol;

/**
 * Who an attach acts as. 9P2000.L names one numeric uid per attach (n_uname, {@code access=user} mounts attach
 * once per local uid) and no groups, so the caller is (uid, primary gid if configured else uid, no
 * supplementary groups): group permissions through supplementary groups are not honoured.
 */
final class Identity {
    private final NinepOptions options;

    Identity(NinepOptions options) {
        this.options = options;
    }

    Caller attach(String uname, int nUname) {
        if (!options.trustClientUids()) return anonymous();
        int uid;
        if (nUname != Protocol.NONUNAME) {
            uid = nUname;
        } else if (uname.equals("root")) {
            uid = 0;
        } else if (!uname.isEmpty() && uname.chars().allMatch(Character::isDigit) && uname.length() < 10) {
            uid = Integer.parseInt(uname);
        } else {
            return anonymous();
        }
        if (uid == 0 && options.rootSquash()) return anonymous();
        int gid = options.primaryGids().getOrDefault(uid, uid);
        return new Caller(uid, gid, new int[0]);
    }

    /**
     * The caller of a create-type request that names the new file's gid (the client's fsgid, or the setgid
     * directory's group). With trusted uids that gid is used, the primary gid kept as a supplementary group.
     */
    Caller forCreate(Caller caller, int gid) {
        if (!options.trustClientUids() || gid == caller.gid() || gid == Protocol.NONUNAME) return caller;
        if (caller.uid() == options.anonUid() && caller.gid() == options.anonGid()) return caller; // squashed
        return new Caller(caller.uid(), gid, new int[] {caller.gid()});
    }

    private Caller anonymous() {
        return new Caller(options.anonUid(), options.anonGid(), new int[0]);
    }
}
