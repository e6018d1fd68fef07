package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what jasyncio logs on its {@code System.Logger} "io.jasyncio" (backed by java.util.logging), as
 * CPython's tests mock {@code asyncio.log.logger}. Use in try-with-resources.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.jasyncio");
    private final Level previousLevel;
    final List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

    LogCapture() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Records at {@code level} (SEVERE for System.Logger ERROR, WARNING, FINE for DEBUG). */
    List<LogRecord> at(Level level) {
        synchronized (records) {
            return records.stream().filter(r -> r.getLevel().equals(level)).toList();
        }
    }

    List<String> messages(Level level) {
        return at(level).stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
