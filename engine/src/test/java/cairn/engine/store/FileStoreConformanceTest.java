package cairn.engine.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileStoreConformanceTest extends ObjectStoreConformanceTest {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() {
        return new FileStore(dir);
    }
}
