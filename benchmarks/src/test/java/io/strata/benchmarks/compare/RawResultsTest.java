package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawResultsTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteOneLinePerMeasurementAndFailureWhenGivenRuns() throws Exception {
        // given
        List<BrokerRun> runs = List.of(new BrokerRun(1, "Strata",
                List.of(new Measurement(Section.PRODUCE, "acks=1, 1 partition, none", Metric.RECORDS_PER_SEC, 1234.5)),
                List.of(new Failure(Section.CONSUME, "acks=1, 1 partition, none", "exited with 1: \"no\" coordinator"))));
        Path file = dir.resolve("results.csv");

        // when
        RawResults.write(file, runs);

        // then
        assertEquals(List.of(RawResults.HEADER,
                "1,Strata,PRODUCE,\"acks=1, 1 partition, none\",RECORDS_PER_SEC,records/s,1234.5,",
                "1,Strata,CONSUME,\"acks=1, 1 partition, none\",,,,\"exited with 1: \"\"no\"\" coordinator\""),
                Files.readAllLines(file));
    }

    @Test
    void shouldLeaveFieldsBareWhenTheyNeedNoQuotes() {
        // when / then
        assertEquals("Strata", RawResults.field("Strata"));
        assertEquals("\"a\nb\"", RawResults.field("a\nb"));
    }
}
