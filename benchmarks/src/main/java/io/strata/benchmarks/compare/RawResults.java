package io.strata.benchmarks.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The raw, per-round figures of a comparison as CSV, one line per measurement or failure, for
 * analysis beyond the medians in RESULTS.md:
 * <pre>
 *   round,broker,section,workload,metric,unit,value,failure
 *   1,Strata,PRODUCE,"acks=1, 1 partition, none",RECORDS_PER_SEC,records/s,123456.7,
 *   1,Strata,CONSUME,"acks=1, 1 partition, none",,,,"ConsumerPerformance exited with 1: ..."
 * </pre>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class RawResults {

    static final String HEADER = "round,broker,section,workload,metric,unit,value,failure";

    private RawResults() {
    }

    /**
     * Writes (replaces) the CSV file with all runs so far.
     *
     * @param file the CSV file
     * @param runs the broker runs, in the order they ran
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<BrokerRun> runs) throws IOException {
        Files.writeString(file, toCsv(runs), StandardCharsets.UTF_8);
    }

    /**
     * Renders the runs as CSV text.
     *
     * @param runs the broker runs
     * @return the CSV, header first, lines ending in a newline
     */
    static String toCsv(List<BrokerRun> runs) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (BrokerRun run : runs) {
            for (Measurement m : run.measurements()) {
                csv.append(run.round()).append(',').append(field(run.broker())).append(',').append(m.section())
                        .append(',').append(field(m.workload())).append(',').append(m.metric()).append(',')
                        .append(field(m.metric().label())).append(',').append(m.value()).append(",\n");
            }
            for (Failure f : run.failures()) {
                csv.append(run.round()).append(',').append(field(run.broker())).append(',').append(f.section())
                        .append(',').append(field(f.workload())).append(",,,,").append(field(f.reason())).append('\n');
            }
        }
        return csv.toString();
    }

    /** Quotes a field when it holds a comma, a quote or a line break (RFC 4180). */
    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
