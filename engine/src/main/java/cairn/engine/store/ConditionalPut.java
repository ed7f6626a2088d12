package cairn.engine.store;

/** Outcome of a conditional write: this caller's object is stored, or the precondition failed. */
public sealed interface ConditionalPut {
    record Written(ObjectInfo info) implements ConditionalPut {}

    /** The precondition failed: the key exists (create-if-absent) or its etag differs (If-Match). */
    record Conflict() implements ConditionalPut {}

    default boolean written() {
        return this instanceof Written;
    }
}
