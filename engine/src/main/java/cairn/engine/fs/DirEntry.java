package cairn.engine.fs;

/** One directory entry; {@code cookie} resumes a listing right after this entry. */
public record DirEntry(String name, long ino, FileType type, long cookie) {}
