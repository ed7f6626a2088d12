package cairn.engine.lsm;

import cairn.engine.store.ObjectStore;
import cairn.engine.store.S3ProxyFixture;

/** The takeover races of {@link WriterFencingTest} over a real S3 API (in-process s3proxy on loopback). */
class S3ProxyWriterFencingTest extends WriterFencingTest {

    @Override
    ObjectStore newBucket() {
        return S3ProxyFixture.shared().newStore();
    }

    @Override
    LsmOptions options() {
        return TestOptions.small().withRetry(TestOptions.patientRetry());
    }

    @Override
    int racingRounds() {
        return 1;
    }

    @Override
    int racingBarriers() {
        return 15;
    }
}
