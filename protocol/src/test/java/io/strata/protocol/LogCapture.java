package io.strata.protocol;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures the log events of one logger for the duration of a test.
 *
 * <p>Not thread-safe for concurrent {@link #close()}; event capture itself is thread-safe.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> loggerClass) {
        logger = (Logger) LoggerFactory.getLogger(loggerClass);
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing the events of {@code loggerClass}'s logger. */
    public static LogCapture of(Class<?> loggerClass) {
        return new LogCapture(loggerClass);
    }

    /** The captured events at {@code level}. */
    public List<ILoggingEvent> events(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(event -> event.getLevel() == level).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
