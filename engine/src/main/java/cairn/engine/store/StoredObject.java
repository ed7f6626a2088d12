package cairn.engine.store;

/** An object's bytes (the whole object or the requested range) and its info. */
public record StoredObject(byte[] data, ObjectInfo info) {}
