package cairn.engine.store;

import java.util.List;

/** One page of a listing; {@code truncated} says whether more keys follow the last one. */
public record ListPage(List<ObjectInfo> objects, boolean truncated) {
    public ListPage {
        objects = List.copyOf(objects);
    }

    /** The key to pass as {@code startAfter} for the next page. */
    public String lastKey() {
        return objects.isEmpty() ? null : objects.get(objects.size() - 1).key();
    }
}
