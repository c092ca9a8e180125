package io.strata.benchmarks.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child process of a benchmark (a broker or a client tool) whose standard output and error go to
 * one file. Every child is registered with a JVM shutdown hook that kills it, so an interrupted
 * benchmark (Ctrl-C, an exception) never leaves a broker running; {@link #stop(Duration)} ends it
 * by its PID: SIGTERM first, SIGKILL when it has not exited by the deadline.
 *
 * <pre>
 *   start() ──> running ──stop(grace)──> SIGTERM ──exited within grace──> stopped
 *                  │                        └──────grace elapsed──> SIGKILL ──> stopped
 *                  └── exits by itself ──> stopped
 * </pre>
 *
 * <p>This class is thread-safe: the shutdown hook may kill a child while another thread stops it.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::killAll, "kill-child-processes"));
    }

    private final String name;
    private final Process process;
    private final long spawnNanos;
    private final Path output;

    private ChildProcess(String name, Process process, long spawnNanos, Path output) {
        this.name = name;
        this.process = process;
        this.spawnNanos = spawnNanos;
        this.output = output;
    }

    /**
     * Starts a child process with the current environment plus changes.
     *
     * @param name a short name for messages, such as {@code kafka} or {@code ProducerPerformance}
     * @param command the program and its arguments
     * @param environment variables to set; a {@code null} value removes the variable
     * @param workingDir the child's working directory
     * @param output the file that receives the child's standard output and error (truncated)
     * @return the started child; {@link #spawnNanos()} is {@link System#nanoTime()} just before the spawn
     * @throws IOException when the program cannot be started
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment,
                                     Path workingDir, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = builder.environment();
        environment.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        long spawnNanos = System.nanoTime();
        Process process = builder.start();
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return new ChildProcess(name, process, spawnNanos, output);
    }

    /** Returns the short name given at start. */
    public String name() {
        return name;
    }

    /** Returns the operating system's process id (after an {@code exec} in a start script: the JVM's). */
    public long pid() {
        return process.pid();
    }

    /** Returns {@link System#nanoTime()} taken just before the process was spawned. */
    public long spawnNanos() {
        return spawnNanos;
    }

    /** Returns the file that receives the child's standard output and error. */
    public Path output() {
        return output;
    }

    /** Returns whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @param timeout how long to wait
     * @return the exit code, or empty when the child is still running after the timeout
     * @throws InterruptedException when the calling thread is interrupted
     */
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        return OptionalInt.empty();
    }

    /**
     * Stops the child by its PID: SIGTERM, then SIGKILL when it has not exited within {@code grace}.
     * Does nothing to a child that has already exited.
     *
     * @param grace how long the child may take to shut down cleanly
     * @return the exit code, or -1 when the child could not be reaped even after SIGKILL
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    public int stop(Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return -1;
                }
            }
        }
        return process.exitValue();
    }

    /**
     * Returns the end of the child's output, for error messages.
     *
     * @param maxChars at most this many characters, from the end
     * @return the last characters of the output file, or a note when it cannot be read
     */
    public String outputTail(int maxChars) {
        return tail(output, maxChars);
    }

    /**
     * Returns the last characters of a text file, for error messages.
     *
     * @param file the file
     * @param maxChars at most this many characters (read as bytes), from the end
     * @return the file's tail, or a note when it cannot be read
     */
    public static String tail(Path file, int maxChars) {
        try {
            if (!Files.exists(file)) {
                return "(no output)";
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long length = raf.length();
                long start = Math.max(0, length - maxChars);
                byte[] bytes = new byte[(int) (length - start)];
                raf.seek(start);
                raf.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the child with a 30 second grace period (see {@link #stop(Duration)}); when interrupted
     * while waiting, kills it at once and keeps the thread's interrupt status.
     */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
