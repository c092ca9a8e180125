package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class ObjectStoreErrorsTest {

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build())
                .message(code).build();
    }

    @Test
    void notFound() {
        assertEquals(Kind.NOT_FOUND, ObjectStoreErrors.kindOf(s3(404, "NoSuchKey")));
        assertEquals(Kind.NOT_FOUND, ObjectStoreErrors.kindOf(s3(404, null)));
        assertEquals(Kind.NOT_FOUND, ObjectStoreErrors.kindOf(NoSuchKeyException.builder().statusCode(404).build()));
        assertEquals(Kind.NOT_FOUND, ObjectStoreErrors.kindOf(NoSuchBucketException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket").build()).build()));
    }

    @Test
    void throttled() {
        assertEquals(Kind.THROTTLED, ObjectStoreErrors.kindOf(s3(503, "SlowDown")));
        assertEquals(Kind.THROTTLED, ObjectStoreErrors.kindOf(s3(429, "TooManyRequests")));
        assertEquals(Kind.THROTTLED, ObjectStoreErrors.kindOf(s3(400, "Throttling")));
        assertEquals(Kind.THROTTLED, ObjectStoreErrors.kindOf(s3(400, "RequestLimitExceeded")));
    }

    @Test
    void transientServerErrorsTimeoutsAndIo() {
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(s3(500, "InternalError")));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(s3(503, "ServiceUnavailable")));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(s3(502, null)));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(s3(400, "RequestTimeout")));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(SdkClientException.builder()
                .message("Unable to execute HTTP request").cause(new IOException("reset")).build()));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(SdkClientException.builder()
                .cause(new RuntimeException(new ConnectException("Connection refused"))).build()));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(ApiCallTimeoutException.create(1000)));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(ApiCallAttemptTimeoutException.create(1000)));
    }

    @Test
    void fatal() {
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(s3(403, "AccessDenied")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(s3(403, "SignatureDoesNotMatch")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(s3(400, "InvalidArgument")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(s3(416, "InvalidRange")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(SdkClientException.create("bad request config")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(new NoSuchFileException("/x")));
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(new IllegalStateException()));
    }

    @Test
    void wrappersAreUnwrappedAndClassifiedExceptionsKept() {
        S3Exception slowDown = s3(503, "SlowDown");
        ObjectStoreException e = ObjectStoreErrors.classify(new CompletionException(slowDown), "GET k");
        assertEquals(Kind.THROTTLED, e.kind());
        assertSame(slowDown, e.getCause());
        assertEquals(true, e.isRetriable());
        assertSame(e, ObjectStoreErrors.classify(new CompletionException(new ExecutionException(e))));
    }

    @Test
    void perKeyDeleteErrorCodes() {
        assertEquals(Kind.FATAL, ObjectStoreErrors.kindOf(0, "AccessDenied"));
        assertEquals(Kind.TRANSIENT, ObjectStoreErrors.kindOf(0, "InternalError"));
        assertEquals(Kind.THROTTLED, ObjectStoreErrors.kindOf(0, "SlowDown"));
    }
}
