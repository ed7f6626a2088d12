package cairn.engine.fs;

/** Who performs an operation: uid, primary gid and supplementary groups, as AUTH_SYS and 9P carry them. */
public record Caller(int uid, int gid, int[] groups) {
    public static final Caller ROOT = new Caller(0, 0, new int[0]);

    public Caller {
        groups = groups.clone();
    }

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inGroup(int g) {
        if (g == gid) return true;
        for (int x : groups) if (x == g) return true;
        return false;
    }
}
