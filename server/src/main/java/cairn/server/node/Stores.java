package cairn.server.node;

import cairn.engine.store.ObjectStore;
import cairn.engine.store.ObjectStores;
import cairn.engine.store.S3Settings;
import cairn.server.config.AwsConfig;
import cairn.server.config.CairnConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;

/** Opens the configured object store (retrying, metered; an S3 store proves it honours conditional writes). */
final class Stores {
    private Stores() {}

    static ObjectStore open(CairnConfig config, MeterRegistry registry) {
        return ObjectStores.open(config.storage().url(), s3Settings(config.aws()), registry);
    }

    static S3Settings s3Settings(AwsConfig aws) {
        S3Settings settings = S3Settings.defaults();
        if (aws.region().isPresent()) settings = settings.withRegion(aws.region().get());
        if (aws.endpoint().isPresent()) settings = settings.withEndpoint(URI.create(aws.endpoint().get()));
        settings = settings.withPathStyle(aws.pathStyle());
        if (aws.accessKeyId().isPresent()) {
            settings = settings.withStaticCredentials(aws.accessKeyId().get(), aws.secretAccessKey().orElseThrow());
        }
        return settings;
    }
}
