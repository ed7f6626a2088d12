package cairn.engine.fs;

/** setxattr(2) flags: create or replace, XATTR_CREATE (must not exist), XATTR_REPLACE (must exist). */
public enum XattrMode { UPSERT, CREATE, REPLACE }
