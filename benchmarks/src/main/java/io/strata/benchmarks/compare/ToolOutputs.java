package io.strata.benchmarks.compare;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the summaries Apache Kafka's performance tools (4.3.1) print, and the figures they hold.
 * The tools are run with an English locale, so decimals use a dot.
 *
 * <p>Formats parsed:
 * <pre>
 * ProducerPerformance, last summary line:
 *   200000 records sent, 16996.685646 records/sec (16.60 MB/sec), 1526.72 ms avg latency,
 *   2345.00 ms max latency, 1691 ms 50th, 2240 ms 95th, 2329 ms 99th, 2341 ms 99.9th.
 * ConsumerPerformance, a header line and a data line of comma-separated fields:
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 *   rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 * EndToEndLatency:
 *   Avg latency: 2.9558 ms
 *   Percentiles: 50th = 1, 99th = 30, 99.9th = 153
 * </pre>
 * MB in all of them is 2^20 bytes.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ToolOutputs {

    private static final String NUMBER = "(-?[0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
            "([0-9]+) records sent, " + NUMBER + " records/sec \\(" + NUMBER + " MB/sec\\), "
                    + NUMBER + " ms avg latency, " + NUMBER + " ms max latency, "
                    + "([0-9]+) ms 50th, ([0-9]+) ms 95th, ([0-9]+) ms 99th, ([0-9]+) ms 99\\.9th");
    private static final Pattern E2E_AVERAGE = Pattern.compile("Avg latency: " + NUMBER + " ms");
    private static final Pattern E2E_PERCENTILES = Pattern.compile(
            "Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99\\.9th = ([0-9]+)");
    private static final String CONSUMER_HEADER_START = "start.time, end.time";
    private static final List<String> CONSUMER_FIELDS = List.of("data.consumed.in.MB", "MB.sec",
            "data.consumed.in.nMsg", "nMsg.sec", "rebalance.time.ms", "fetch.time.ms", "fetch.MB.sec", "fetch.nMsg.sec");

    private ToolOutputs() {
    }

    /**
     * The final summary of a ProducerPerformance run.
     *
     * @param records records sent
     * @param recordsPerSec records per second over the whole run
     * @param mbPerSec MB (2^20 bytes) per second over the whole run
     * @param avgLatencyMs average send-to-acknowledgement latency
     * @param maxLatencyMs largest latency
     * @param p50Ms median latency
     * @param p95Ms 95th percentile latency
     * @param p99Ms 99th percentile latency
     * @param p999Ms 99.9th percentile latency
     */
    public record ProduceStats(long records, double recordsPerSec, double mbPerSec, double avgLatencyMs,
                               double maxLatencyMs, long p50Ms, long p95Ms, long p99Ms, long p999Ms) {
    }

    /**
     * The summary of a ConsumerPerformance run. The {@code fetch*} figures leave out the time the
     * consumer spent joining its group; the others include it.
     *
     * @param mb MB (2^20 bytes) consumed (keys and values)
     * @param mbPerSec MB per second including the group join
     * @param records records consumed
     * @param recordsPerSec records per second including the group join
     * @param rebalanceMs time spent joining the group
     * @param fetchMs time spent fetching after the join
     * @param fetchMbPerSec MB per second while fetching
     * @param fetchRecordsPerSec records per second while fetching
     */
    public record ConsumeStats(double mb, double mbPerSec, long records, double recordsPerSec, double rebalanceMs,
                               double fetchMs, double fetchMbPerSec, double fetchRecordsPerSec) {
    }

    /**
     * The summary of an EndToEndLatency run (the tool prints whole milliseconds for percentiles).
     *
     * @param avgMs average produce-to-consume latency
     * @param p50Ms median latency
     * @param p99Ms 99th percentile latency
     * @param p999Ms 99.9th percentile latency
     */
    public record EndToEndStats(double avgMs, long p50Ms, long p99Ms, long p999Ms) {
    }

    /**
     * Parses the last summary line of a ProducerPerformance output (progress lines have no percentiles).
     *
     * @param output the tool's standard output and error
     * @return the summary's figures
     * @throws IllegalArgumentException when there is no summary line
     */
    public static ProduceStats parseProducerPerformance(String output) {
        Matcher matcher = PRODUCER_SUMMARY.matcher(output);
        MatchResult last = null;
        while (matcher.find()) {
            last = matcher.toMatchResult();
        }
        if (last == null) {
            throw new IllegalArgumentException("no ProducerPerformance summary line (\"N records sent, ... 99.9th.\")");
        }
        return new ProduceStats(Long.parseLong(last.group(1)), Double.parseDouble(last.group(2)),
                Double.parseDouble(last.group(3)), Double.parseDouble(last.group(4)), Double.parseDouble(last.group(5)),
                Long.parseLong(last.group(6)), Long.parseLong(last.group(7)), Long.parseLong(last.group(8)),
                Long.parseLong(last.group(9)));
    }

    /**
     * Parses the header and data line of a ConsumerPerformance output, matching fields by header name.
     *
     * @param output the tool's standard output and error
     * @return the summary's figures
     * @throws IllegalArgumentException when the header, the data line or a field is missing or malformed
     */
    public static ConsumeStats parseConsumerPerformance(String output) {
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith(CONSUMER_HEADER_START)) {
                continue;
            }
            if (i + 1 >= lines.length) {
                throw new IllegalArgumentException("ConsumerPerformance header without a data line");
            }
            String[] names = lines[i].split(",\\s*");
            String[] values = lines[i + 1].split(",\\s*");
            if (names.length != values.length) {
                throw new IllegalArgumentException("ConsumerPerformance data line has " + values.length
                        + " fields, header has " + names.length + ": " + lines[i + 1]);
            }
            Map<String, Double> fields = new HashMap<>();
            for (int f = 0; f < names.length; f++) {
                if (CONSUMER_FIELDS.contains(names[f].trim())) {
                    fields.put(names[f].trim(), parseNumber(names[f], values[f]));
                }
            }
            for (String field : CONSUMER_FIELDS) {
                if (!fields.containsKey(field)) {
                    throw new IllegalArgumentException("ConsumerPerformance output has no " + field + " field");
                }
            }
            return new ConsumeStats(fields.get("data.consumed.in.MB"), fields.get("MB.sec"),
                    fields.get("data.consumed.in.nMsg").longValue(), fields.get("nMsg.sec"),
                    fields.get("rebalance.time.ms"), fields.get("fetch.time.ms"), fields.get("fetch.MB.sec"),
                    fields.get("fetch.nMsg.sec"));
        }
        throw new IllegalArgumentException("no ConsumerPerformance header line (\"" + CONSUMER_HEADER_START + ", ...\")");
    }

    /**
     * Parses the average and percentile lines of an EndToEndLatency output.
     *
     * @param output the tool's standard output and error
     * @return the summary's figures
     * @throws IllegalArgumentException when either line is missing
     */
    public static EndToEndStats parseEndToEndLatency(String output) {
        Matcher average = E2E_AVERAGE.matcher(output);
        Matcher percentiles = E2E_PERCENTILES.matcher(output);
        if (!average.find()) {
            throw new IllegalArgumentException("no EndToEndLatency \"Avg latency: N ms\" line");
        }
        if (!percentiles.find()) {
            throw new IllegalArgumentException("no EndToEndLatency \"Percentiles: 50th = ...\" line");
        }
        return new EndToEndStats(Double.parseDouble(average.group(1)), Long.parseLong(percentiles.group(1)),
                Long.parseLong(percentiles.group(2)), Long.parseLong(percentiles.group(3)));
    }

    private static double parseNumber(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ConsumerPerformance field " + name.trim() + " is not a number: " + value, e);
        }
    }
}
