package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own {@code DumpLogSegments} as an outside oracle for the files the broker writes:
 * segments (sealed and active), offset and time indexes and producer snapshots must read back
 * exactly as Kafka would read its own. The tool runs in a child JVM because it may call
 * {@code System.exit}.
 */
class DumpLogSegmentsIT {

    private static final String TOPIC = "dumped";
    private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final int RECORDS_PER_CODEC = 400;
    private static final int TOTAL_RECORDS = CODECS.size() * RECORDS_PER_CODEC;
    private static final Pattern RECORD_OFFSET = Pattern.compile("\\| offset: (\\d+) ");
    private static final Pattern BATCH = Pattern.compile("baseOffset: (\\d+) lastOffset: (\\d+) count: (\\d+) .*producerId: (-?\\d+) ");
    private static final String NON_CONSECUTIVE = "Non-consecutive offsets in ";
    private static final Pattern NON_CONSECUTIVE_PAIR = Pattern.compile("\\s+(-?\\d+) is followed by (\\d+)");
    private static final Pattern SNAPSHOT_PRODUCER = Pattern.compile("producerId: (-?\\d+) producerEpoch:");

    @TempDir
    static Path dir;
    static Path partitionDir;

    @BeforeAll
    static void produceAndStopBroker() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(dir);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "internal.segment.bytes", "16384",
                    "index.interval.bytes", "256")))).all().get();
            Random random = new Random(42);
            int i = 0;
            for (String codec : CODECS) {
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 2,
                        ProducerConfig.BATCH_SIZE_CONFIG, 4096))) {
                    for (int n = 0; n < RECORDS_PER_CODEC; n++, i++) {
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, 0,
                                ("key-" + i).getBytes(StandardCharsets.UTF_8), hexValue(random, 120));
                        record.headers().add(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8)));
                        producer.send(record);
                    }
                    producer.flush();
                }
            }
        } finally {
            broker.close();
        }
        partitionDir = broker.logDir().resolve(TOPIC + "-0");
    }

    @Test
    void shouldPassKafkaIndexVerificationWhenSegmentsAreSealedAndActive() throws Exception {
        // given
        List<Path> logs = files(partitionDir, ".log");
        assertTrue(logs.size() >= 3, "several sealed segments and an active one: " + logs);

        // when
        ToolRun run = dumpLogSegments(files(partitionDir, ".log", ".index", ".timeindex"), "--verify-index-only");

        // then
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of(), problems(run.output()), run.output());
        for (Path index : files(partitionDir, ".index")) {
            assertTrue(Files.size(index) >= 8 * 3 || index.equals(last(files(partitionDir, ".index"))),
                    "sealed offset index has several entries: " + index);
        }
    }

    @Test
    void shouldListEveryProducedOffsetWhenDeepIteratingTheLog() throws Exception {
        // given
        List<Path> logs = files(partitionDir, ".log");

        // when
        ToolRun run = dumpLogSegments(logs, "--deep-iteration", "--print-data-log");

        // then
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of(), problems(run.output()), run.output());
        assertFalse(run.output().contains("isvalid: false"), run.output());
        List<Long> offsets = new ArrayList<>();
        Matcher records = RECORD_OFFSET.matcher(run.output());
        while (records.find()) {
            offsets.add(Long.parseLong(records.group(1)));
        }
        assertEquals(TOTAL_RECORDS, offsets.size(), "record count");
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i, offsets.get(i), "offsets are dense and in order");
        }
        long batchRecords = 0;
        long expectedBase = 0;
        Matcher batches = BATCH.matcher(run.output());
        while (batches.find()) {
            long base = Long.parseLong(batches.group(1));
            long last = Long.parseLong(batches.group(2));
            assertEquals(expectedBase, base, "batches are contiguous");
            assertEquals(last - base + 1, Long.parseLong(batches.group(3)), "count matches offset range");
            batchRecords += last - base + 1;
            expectedBase = last + 1;
        }
        assertEquals(TOTAL_RECORDS, batchRecords, "batches cover every record");
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
            assertTrue(run.output().contains("compresscodec: " + codec), "batches compressed with " + codec);
        }
        assertTrue(run.output().contains("headerKeys: [trace]"), "headers survive");
        assertTrue(run.output().contains("key: key-" + (TOTAL_RECORDS - 1)), "keys survive");
    }

    @Test
    void shouldListTheIdempotentProducersWhenDumpingTheProducerSnapshot() throws Exception {
        // given
        List<Path> snapshots = files(partitionDir, ".snapshot");
        assertFalse(snapshots.isEmpty(), "a clean shutdown leaves a producer snapshot");
        Set<Long> producersInLog = new HashSet<>();
        Matcher batches = BATCH.matcher(dumpLogSegments(files(partitionDir, ".log"), "--deep-iteration").output());
        while (batches.find()) {
            producersInLog.add(Long.parseLong(batches.group(4)));
        }

        // when
        ToolRun run = dumpLogSegments(List.of(last(snapshots)));

        // then
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(List.of(), problems(run.output()), run.output());
        Set<Long> producersInSnapshot = new TreeSet<>();
        Matcher producers = SNAPSHOT_PRODUCER.matcher(run.output());
        while (producers.find()) {
            producersInSnapshot.add(Long.parseLong(producers.group(1)));
        }
        assertEquals(CODECS.size(), producersInLog.size(), "one producer id per idempotent producer");
        assertEquals(new TreeSet<>(producersInLog), producersInSnapshot, run.output());
    }

    @Test
    void shouldReportMismatchWhenAnOffsetIndexEntryIsCorrupted(@TempDir Path scratch) throws Exception {
        // given
        Path copy = scratch.resolve(TOPIC + "-0");
        Files.createDirectories(copy);
        for (Path file : files(partitionDir, ".log", ".index")) {
            Files.copy(file, copy.resolve(file.getFileName()));
        }
        Path index = files(copy, ".index").get(0);
        assertTrue(Files.size(index) >= 16, "the first sealed index has at least two entries");
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            // entry 1's relative offset, moved forward so it names a record inside a later batch
            channel.write(ByteBuffer.allocate(4).putInt(0, 1_000_000), 8);
        }

        // when
        ToolRun run = dumpLogSegments(List.of(index), "--verify-index-only");

        // then
        assertFalse(problems(run.output()).isEmpty(), "the oracle must be able to fail:\n" + run.output());
    }

    /**
     * Lines in which DumpLogSegments reports a problem with the files it read. Its deep iteration
     * starts every file's offset check from -1, so "-1 is followed by [the file's base offset]" is
     * what it prints for every segment but the first, in Kafka's own logs too; any other
     * non-consecutive pair is a problem.
     */
    static List<String> problems(String output) {
        List<String> problems = new ArrayList<>();
        long nonConsecutiveBase = -1;
        for (String line : output.lines().collect(Collectors.toList())) {
            String lower = line.toLowerCase(Locale.ROOT);
            Matcher pair = NON_CONSECUTIVE_PAIR.matcher(line);
            if (line.startsWith(NON_CONSECUTIVE)) {
                String file = Path.of(line.substring(NON_CONSECUTIVE.length()).trim()).getFileName().toString();
                nonConsecutiveBase = Long.parseLong(file.substring(0, file.indexOf('.')));
            } else if (pair.matches()) {
                if (Long.parseLong(pair.group(1)) != -1 || Long.parseLong(pair.group(2)) != nonConsecutiveBase) {
                    problems.add(line);
                }
            } else if (lower.contains("mismatch") || lower.contains("error") || lower.contains("exception")
                    || lower.contains("corrupt") || lower.contains("isvalid: false")) {
                problems.add(line);
            }
        }
        return problems;
    }

    private static ToolRun dumpLogSegments(List<Path> files, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.apache.kafka.tools.DumpLogSegments");
        command.add("--files");
        command.add(files.stream().map(Path::toString).collect(Collectors.joining(",")));
        command.addAll(List.of(options));
        Path output = Files.createTempFile(dir, "dump", ".out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("DumpLogSegments did not finish in 60 s: " + Files.readString(output));
        }
        return new ToolRun(process.exitValue(), Files.readString(output));
    }

    private static List<Path> files(Path directory, String... suffixes) throws IOException {
        try (Stream<Path> stream = Files.list(directory)) {
            return stream.filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static Path last(List<Path> paths) {
        return paths.get(paths.size() - 1);
    }

    private static byte[] hexValue(Random random, int length) {
        char[] digits = "0123456789abcdef".toCharArray();
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) digits[random.nextInt(16)];
        }
        return value;
    }

    private record ToolRun(int exitCode, String output) {
    }
}
