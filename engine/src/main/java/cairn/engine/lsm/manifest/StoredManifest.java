package cairn.engine.lsm.manifest;

/** A manifest version and the id of the object it was read from. */
public record StoredManifest(long id, Manifest manifest) {}
