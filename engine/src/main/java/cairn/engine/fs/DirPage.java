package cairn.engine.fs;

import java.util.List;

/** A page of a directory listing; {@code eof} when no entries follow. */
public record DirPage(List<DirEntry> entries, boolean eof) {
    public DirPage {
        entries = List.copyOf(entries);
    }
}
