package cairn.engine.fs;

/** rename(2) flavours: plain (replace target), RENAME_NOREPLACE, RENAME_EXCHANGE. */
public enum RenameMode { REPLACE, NOREPLACE, EXCHANGE }
