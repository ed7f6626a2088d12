package cairn.engine.store;

/** The conformance suite against a real S3 protocol server (in-process s3proxy). */
class S3StoreConformanceTest extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
        return S3ProxyFixture.shared().newStore();
    }
}
