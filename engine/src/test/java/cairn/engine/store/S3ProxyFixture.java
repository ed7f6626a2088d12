package cairn.engine.store;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * An in-process s3proxy (transient in-memory backend, AWS v2/v4 signatures) on 127.0.0.1 and a random port, for
 * tests of any module (through the engine test-jar). {@link #shared()} starts one per JVM on first use.
 *
 * <pre>{@code
 * S3ProxyFixture s3 = S3ProxyFixture.shared();
 * try (ObjectStore store = s3.newStore()) { ... }   // a fresh bucket for each call
 * }</pre>
 */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String IDENTITY = "cairn-test";
    public static final String CREDENTIAL = "cairn-test-secret";

    private static S3ProxyFixture shared;

    private final S3Proxy proxy;
    private final URI endpoint;
    /** One HTTP client for every store of this fixture: a Netty event loop takes seconds to shut down. */
    private final SdkAsyncHttpClient http;
    private final S3AsyncClient admin;

    private S3ProxyFixture(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.http = S3Store.newHttpClient(settings());
        this.admin = S3AsyncClient.builder()
                .httpClient(http)
                .endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .build();
    }

    /** One proxy per JVM, stopped at exit. */
    public static synchronized S3ProxyFixture shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public static S3ProxyFixture start() {
        try {
            Properties p = new Properties();
            p.setProperty("jclouds.provider", "transient");
            var blobStore = BlobStores.create("transient", p);
            for (int attempt = 0; ; attempt++) {
                URI endpoint = URI.create("http://127.0.0.1:" + freePort());
                S3Proxy proxy = S3Proxy.builder()
                        .blobStore(blobStore)
                        .endpoint(endpoint)
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                        .build();
                try {
                    proxy.start();
                    return new S3ProxyFixture(proxy, endpoint);
                } catch (java.io.IOException e) { // port taken between probe and bind
                    if (attempt >= 5) throw e;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start in-process s3proxy: " + e, e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Settings that reach this proxy (static credentials, path style, short timeout). */
    public S3Settings settings() {
        return S3Settings.defaults().withEndpoint(endpoint).withStaticCredentials(IDENTITY, CREDENTIAL)
                .withRequestTimeout(Duration.ofSeconds(10));
    }

    /** Creates a bucket with a random name and returns it. */
    public String createBucket() {
        String bucket = "b-" + UUID.randomUUID().toString().substring(0, 18);
        createBucket(bucket);
        return bucket;
    }

    public void createBucket(String bucket) {
        admin.createBucket(b -> b.bucket(bucket)).join();
    }

    /** An {@link S3Store} on a fresh bucket, sharing this fixture's HTTP client. */
    public S3Store newStore() {
        return newStore(createBucket(), "vol");
    }

    public S3Store newStore(String bucket, String prefix) {
        return new S3Store(settings(), bucket, prefix, http);
    }

    @Override
    public void close() {
        try {
            admin.close();
            http.close();
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy", e);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
