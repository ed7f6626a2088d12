package cairn.engine.store;

class MemoryStoreConformanceTest extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
        return new MemoryStore();
    }
}
