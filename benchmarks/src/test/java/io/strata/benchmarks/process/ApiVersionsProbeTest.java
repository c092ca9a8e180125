package io.strata.benchmarks.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiVersionsProbeTest {

    @TempDir
    Path dir;

    @Test
    void shouldEncodeSizePrefixedApiVersionsV0WhenAskedForARequest() {
        // when
        ByteBuffer request = ByteBuffer.wrap(ApiVersionsProbe.encodeRequest(77));

        // then
        int size = request.getInt();
        assertEquals(request.remaining(), size);
        assertEquals(18, request.getShort(), "api key ApiVersions");
        assertEquals(0, request.getShort(), "api version");
        assertEquals(77, request.getInt(), "correlation id");
        byte[] clientId = new byte[request.getShort()];
        request.get(clientId);
        assertEquals("strata-benchmark-probe", new String(clientId, StandardCharsets.UTF_8));
        assertFalse(request.hasRemaining(), "ApiVersions v0 has no body fields");
    }

    @Test
    void shouldAcceptResponseWhenCorrelationIdMatches() {
        // given
        ByteBuffer responseStart = ByteBuffer.allocate(8).putInt(0, 120).putInt(4, 77);

        // when / then
        assertTrue(ApiVersionsProbe.isResponseTo(responseStart, 77));
    }

    @Test
    void shouldRejectResponseWhenCorrelationIdDiffers() {
        // given
        ByteBuffer responseStart = ByteBuffer.allocate(8).putInt(0, 120).putInt(4, 78);

        // when / then
        assertFalse(ApiVersionsProbe.isResponseTo(responseStart, 77));
    }

    @Test
    void shouldRejectResponseWhenSizeIsTooSmall() {
        // given
        ByteBuffer responseStart = ByteBuffer.allocate(8).putInt(0, 2).putInt(4, 77);

        // when / then
        assertFalse(ApiVersionsProbe.isResponseTo(responseStart, 77));
    }

    @Test
    void shouldFailWhenTheBrokerExitsBeforeAnswering() throws Exception {
        // given
        ChildProcess broker = ChildProcess.start("broker", List.of("sh", "-c", "echo cannot bind; exit 3"), Map.of(),
                dir, dir.resolve("broker.out"));
        broker.waitFor(Duration.ofSeconds(10));

        // when
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiVersionsProbe.awaitFirstAnswer(
                broker, Loopback.HOST, 1, Duration.ofSeconds(10), Duration.ofMillis(5)));

        // then
        assertTrue(e.getMessage().contains("exited before answering"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot bind"), "the broker's output is quoted: " + e.getMessage());
    }

    @Test
    void shouldFailWhenTheBrokerDoesNotAnswerInTime() throws Exception {
        // given
        try (ChildProcess broker = ChildProcess.start("broker", List.of("sleep", "30"), Map.of(), dir,
                dir.resolve("broker.out"))) {

            // when
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiVersionsProbe.awaitFirstAnswer(
                    broker, Loopback.HOST, 1, Duration.ZERO, Duration.ofMillis(5)));

            // then
            assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        }
    }
}
