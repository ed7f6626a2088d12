package cairn.protocols.nfs;

import cairn.engine.fs.Attr;

/** wcc_data: attributes before (size and times only) and after an operation; either may be absent (null). */
public record Wcc(Before before, Attr after) {
    public static final Wcc NONE = new Wcc(null, null);

    /** wcc_attr. */
    public record Before(long size, long mtimeNs, long ctimeNs) {
        public static Before of(Attr a) {
            return a == null ? null : new Before(a.size(), a.mtimeNs(), a.ctimeNs());
        }
    }
}
