package io.strata.protocol.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.protocol.TestRequests;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    @Test
    void shouldUnwrapCompletionAndExecutionExceptionsWhenNested() {
        // given
        IllegalStateException cause = new IllegalStateException("root");

        // when
        Throwable unwrapped = ErrorResponses.unwrap(new CompletionException(new ExecutionException(cause)));

        // then
        assertSame(cause, unwrapped);
    }

    @Test
    void shouldSetErrorAtEveryLevelTheSchemaHasWhenBuildingTheErrorResponse() {
        // when
        MetadataResponseData metadata = (MetadataResponseData) ErrorResponses.forRequest(
            TestRequests.metadata((short) 12, "topic-a", "topic-b"), new CompletionException(new UnsupportedVersionException("no")));
        ApiVersionsResponseData apiVersions = (ApiVersionsResponseData) ErrorResponses.forRequest(
            TestRequests.apiVersions((short) 3), new RuntimeException("unexpected"));

        // then
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), metadata.topics().find("topic-a").errorCode());
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), metadata.topics().find("topic-b").errorCode());
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), apiVersions.errorCode());
    }
}
