package cairn.engine.store;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 bucket ({@code s3://bucket/prefix}) through the AWS SDK v2 async client on Netty.
 *
 * <p>The SDK's own retries are off: one retry layer ({@link RetryingStore}) owns deadlines, backoff and metrics,
 * and resolves ambiguous conditional writes by the writer token. (The SDK retrying a conditional PUT would turn
 * "my first attempt landed" into a 412, and after a 412 s3proxy closes the connection; a storm of the resulting
 * broken pipes drains the SDK's retry budget and starves unrelated calls.) Checksums are computed only when
 * required, for radosgw. 404 is an answer; 5xx, 408, 409, 429, throttling and I/O errors are retryable; other 4xx
 * are not.
 */
public final class S3Store implements ObjectStore {
    private static final Optional<StoredObject> RANGE_NOT_SATISFIABLE = Optional.of(new StoredObject(new byte[0], null));

    private final S3AsyncClient client;
    private final String bucket;
    private final String prefix;
    private final String description;

    /** {@code prefix} may be empty; a trailing {@code /} is added when missing. */
    public S3Store(S3Settings settings, String bucket, String prefix) {
        this(settings, bucket, prefix, null);
    }

    /**
     * Uses {@code sharedHttpClient} (when not null) instead of a Netty client of its own; the caller keeps
     * ownership and closes it. Lets many short-lived stores (tests) share one event loop.
     */
    public S3Store(S3Settings settings, String bucket, String prefix, SdkAsyncHttpClient sharedHttpClient) {
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.description = "s3://" + bucket + "/" + this.prefix
                + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
        this.client = buildClient(settings, sharedHttpClient);
    }

    /** The Netty HTTP client the store uses unless given one. */
    public static SdkAsyncHttpClient newHttpClient(S3Settings s) {
        return httpClientBuilder(s).build();
    }

    private static NettyNioAsyncHttpClient.Builder httpClientBuilder(S3Settings s) {
        return NettyNioAsyncHttpClient.builder()
                .maxConcurrency(s.connectionsMax())
                .connectionAcquisitionTimeout(s.requestTimeout())
                .connectionMaxIdleTime(java.time.Duration.ofSeconds(5));
    }

    private static S3AsyncClient buildClient(S3Settings s, SdkAsyncHttpClient sharedHttpClient) {
        AwsCredentialsProvider credentials = s.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey()));
        S3AsyncClientBuilder b = S3AsyncClient.builder()
                .region(Region.of(s.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(s.pathStyle())
                // no "Expect: 100-continue": it costs a round trip per PUT, and our objects are small and bounded
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(s.requestTimeout())
                        .apiCallTimeout(s.requestTimeout()));
        if (s.endpoint() != null) b.endpointOverride(s.endpoint());
        if (sharedHttpClient != null) b.httpClient(sharedHttpClient);
        else b.httpClientBuilder(httpClientBuilder(s));
        return b.build();
    }

    /** Parses {@code s3://bucket/prefix} into (bucket, prefix). */
    static String[] parseUrl(String url) {
        URI u = URI.create(url);
        if (!"s3".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("expected s3://bucket/prefix, got " + url);
        }
        String path = u.getPath() == null ? "" : u.getPath();
        return new String[] {u.getHost(), path.startsWith("/") ? path.substring(1) : path};
    }

    /**
     * The start-up self-test ({@link ConditionalWriteCheck}), retried like every other call: a server that is slow to
     * answer its first requests (cold JIT, loaded host) must not fail it; the writer token resolves a retried create.
     */
    public void verifyConditionalWrites() {
        ConditionalWriteCheck.verify(new RetryingStore(this, RetryPolicy.defaults(() -> {})));
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return await("get " + key,
                client.getObject(r -> r.bucket(bucket).key(full(key)), AsyncResponseTransformer.toBytes())
                        .thenApply(rb -> Optional.of(new StoredObject(rb.asByteArray(), info(key, rb.response())))),
                status -> status == 404 ? Optional.empty() : null);
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) throw new StoreException("negative range", false);
        if (length == 0) return head(key).map(i -> new StoredObject(new byte[0], i));
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        Optional<StoredObject> got = await("getRange " + key,
                client.getObject(r -> r.bucket(bucket).key(full(key)).range(range), AsyncResponseTransformer.toBytes())
                        .thenApply(rb -> Optional.of(new StoredObject(rb.asByteArray(), info(key, rb.response())))),
                status -> status == 404 ? Optional.empty() : status == 416 ? RANGE_NOT_SATISFIABLE : null);
        // 416: the range starts at or after the end; the contract answers with no bytes
        return got == RANGE_NOT_SATISFIABLE ? head(key).map(i -> new StoredObject(new byte[0], i)) : got;
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return await("head " + key,
                client.headObject(r -> r.bucket(bucket).key(full(key))).thenApply(h -> Optional.of(info(key, h))),
                status -> status == 404 ? Optional.empty() : null);
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        return await("put " + key, putObject(key, data, metadata, b -> {}), status -> null);
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        return await("putIfAbsent " + key,
                putObject(key, data, metadata, b -> b.ifNoneMatch("*")).thenApply(ConditionalPut.Written::new),
                status -> status == 412 ? new ConditionalPut.Conflict() : null);
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        return await("putIfMatch " + key,
                putObject(key, data, metadata, b -> b.ifMatch(etag)).thenApply(ConditionalPut.Written::new),
                status -> status == 412 || status == 404 ? new ConditionalPut.Conflict() : null);
    }

    @Override
    public ListPage list(String listPrefix, String startAfter, int maxKeys) {
        if (maxKeys <= 0) throw new StoreException("maxKeys must be positive", false);
        return await("list " + listPrefix, client.listObjectsV2(r -> {
            r.bucket(bucket).prefix(full(listPrefix)).maxKeys(maxKeys);
            if (startAfter != null) r.startAfter(full(startAfter));
        }).thenApply(resp -> {
            List<ObjectInfo> page = new ArrayList<>(resp.contents().size());
            for (S3Object o : resp.contents()) {
                page.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.eTag(), Map.of()));
            }
            return new ListPage(page, Boolean.TRUE.equals(resp.isTruncated()));
        }), status -> null);
    }

    @Override
    public void delete(String key) {
        await("delete " + key, client.deleteObject(r -> r.bucket(bucket).key(full(key))).thenApply(r -> Boolean.TRUE),
                status -> status == 404 ? Boolean.TRUE : null);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }

    private CompletableFuture<ObjectInfo> putObject(String key, byte[] data, Map<String, String> metadata,
                                                    java.util.function.Consumer<PutObjectRequest.Builder> condition) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(full(key))
                .metadata(metadata).contentLength((long) data.length);
        condition.accept(b);
        return client.putObject(b.build(), AsyncRequestBody.fromBytes(data))
                .thenApply(r -> new ObjectInfo(key, data.length, r.eTag(), metadata));
    }

    private String full(String key) {
        return prefix + key;
    }

    private static ObjectInfo info(String key, GetObjectResponse r) {
        return new ObjectInfo(key, objectSize(r.contentRange(), r.contentLength()), r.eTag(), r.metadata());
    }

    private static ObjectInfo info(String key, HeadObjectResponse r) {
        return new ObjectInfo(key, r.contentLength(), r.eTag(), r.metadata());
    }

    /** The whole object's size: the total in {@code Content-Range: bytes a-b/total}, else the body length. */
    private static long objectSize(String contentRange, Long contentLength) {
        if (contentRange != null) {
            int slash = contentRange.lastIndexOf('/');
            if (slash >= 0 && !contentRange.endsWith("*")) return Long.parseLong(contentRange.substring(slash + 1).trim());
        }
        return contentLength == null ? 0 : contentLength;
    }

    /**
     * Waits for {@code f}. An HTTP error status that {@code answers} maps to a value is that value (404 as empty,
     * 412 as conflict); anything else becomes a {@link StoreException}.
     */
    private static <T> T await(String what, CompletableFuture<T> f, IntFunction<T> answers) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException(what + ": interrupted", false, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkServiceException se && !isMissingBucket(se)) {
                T answer = answers.apply(se.statusCode());
                if (answer != null) return answer;
            }
            throw toStoreException(what, cause);
        }
    }

    /** A 404 for the bucket is a configuration error, never "the key does not exist". */
    private static boolean isMissingBucket(SdkServiceException e) {
        return e instanceof AwsServiceException ae && ae.awsErrorDetails() != null
                && "NoSuchBucket".equals(ae.awsErrorDetails().errorCode());
    }

    static StoreException toStoreException(String what, Throwable t) {
        if (t instanceof SdkServiceException se) {
            int s = se.statusCode();
            boolean retryable = s >= 500 || s == 408 || s == 409 || s == 429 || se.isThrottlingException();
            return new StoreException(what + ": HTTP " + s + ": " + se.getMessage(), retryable, t);
        }
        boolean retryable = t instanceof SdkClientException || t instanceof IOException;
        return new StoreException(what + ": " + t, retryable, t);
    }
}
