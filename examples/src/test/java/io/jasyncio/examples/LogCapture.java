package io.jasyncio.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every record logged under "io.jasyncio" (the library and the examples; System.Logger is backed by
 * java.util.logging), DEBUG included. Use in try-with-resources.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.jasyncio");
    private final Level previousLevel;
    private final List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

    public LogCapture() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Every record so far, in order. */
    public List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** "LEVEL logger: message" of each record at WARNING or above (SEVERE is System.Logger's ERROR). */
    public List<String> warningsAndErrors() {
        return records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() != null ? " (with a stack trace)" : ""))
                .toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
