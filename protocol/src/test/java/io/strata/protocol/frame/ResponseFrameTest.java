package io.strata.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.protocol.KafkaWire;
import io.strata.protocol.TestRequests;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.junit.jupiter.api.Test;

class ResponseFrameTest {

    @Test
    void shouldEchoVersionAndCorrelationIdWhenAnsweringARequest() {
        // given
        AbstractRequest request = TestRequests.metadata((short) 9);
        RequestFrame frame = new RequestFrame(KafkaWire.header(request, 12), request, 30, 0L);

        // when
        ResponseFrame response = ResponseFrame.of(frame, new MetadataResponseData());

        // then
        assertEquals(ApiKeys.METADATA, response.apiKey());
        assertEquals(9, response.apiVersion());
        assertEquals(12, response.correlationId());
        assertEquals(1, response.headerVersion(), "Metadata v9 is flexible");
        assertEquals(0, ResponseFrame.of(ApiKeys.METADATA, (short) 8, 1, new MetadataResponseData()).headerVersion());
    }

    @Test
    void shouldUseHeaderV0WhenAnsweringApiVersionsAtAnyVersion() {
        for (short version = 0; version <= ApiKeys.API_VERSIONS.latestVersion(); version++) {
            assertEquals(0, ResponseFrame.of(ApiKeys.API_VERSIONS, version, 1, new ApiVersionsResponseData()).headerVersion());
        }
    }

    @Test
    void shouldRejectBodyWhenItAnswersAnotherApi() {
        assertThrows(IllegalArgumentException.class,
            () -> ResponseFrame.of(ApiKeys.API_VERSIONS, (short) 3, 1, new MetadataResponseData()));
    }

    @Test
    void shouldRejectRequestFrameWhenBodyDoesNotMatchHeader() {
        AbstractRequest request = TestRequests.metadata((short) 9);
        AbstractRequest other = TestRequests.apiVersions((short) 3);

        assertThrows(IllegalArgumentException.class, () -> new RequestFrame(KafkaWire.header(other, 1), request, 10, 0L));
    }
}
