package cairn.engine.store;

import java.util.Locale;

/** The operations of {@link ObjectStore}, for decorators that act per operation (metrics, faults, retries). */
public enum StoreOp {
    GET, GET_RANGE, HEAD, PUT, PUT_IF_ABSENT, PUT_IF_MATCH, LIST, DELETE;

    /** Lower-case name used as a metric tag, e.g. {@code put_if_absent}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isWrite() {
        return this == PUT || this == PUT_IF_ABSENT || this == PUT_IF_MATCH || this == DELETE;
    }
}
