package io.strata.benchmarks.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The outcome of one Kafka tool run (a child JVM): its exit code, or none when it was killed at its
 * deadline, and its output.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tool the tool's class name without package, such as {@code ProducerPerformance}
 * @param exitCode the exit code, empty when the tool timed out and was killed
 * @param output the tool's standard output and error
 * @param outputFile where that output is kept
 * @param elapsed wall time from spawn to exit (or to the kill)
 */
public record ToolRun(String tool, OptionalInt exitCode, String output, Path outputFile, Duration elapsed) {

    private static final int MAX_REASON_CHARS = 300;

    /** Returns whether the tool exited by itself with status 0. */
    public boolean succeeded() {
        return exitCode.isPresent() && exitCode.getAsInt() == 0;
    }

    /**
     * Returns one line saying why the tool failed: the timeout, or its exit status with the most
     * telling line of its output (the last exception or error line, else the last line).
     *
     * @return the reason, at most a few hundred characters
     */
    public String failureReason() {
        String status = exitCode.isPresent()
                ? tool + " exited with " + exitCode.getAsInt()
                : tool + " timed out after " + elapsed.toSeconds() + " s and was killed";
        String telling = tellingLine(output);
        return telling.isEmpty() ? status : abbreviate(status + ": " + telling);
    }

    /**
     * Picks the line of a tool's output that best explains a failure.
     *
     * @param output the tool's output
     * @return the last line mentioning an exception or an error, else the last non-blank line, else ""
     */
    static String tellingLine(String output) {
        String lastLine = "";
        String lastError = "";
        for (String line : output.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("at ") || trimmed.startsWith("...")) {
                continue;
            }
            lastLine = trimmed;
            if (trimmed.contains("Exception") || trimmed.contains("ERROR") || trimmed.startsWith("Error")) {
                lastError = trimmed;
            }
        }
        return abbreviate(lastError.isEmpty() ? lastLine : lastError);
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
