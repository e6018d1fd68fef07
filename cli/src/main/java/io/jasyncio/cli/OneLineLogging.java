package io.jasyncio.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Makes jasyncio's log lines (engine choice, warnings) one short line each on stderr. */
final class OneLineLogging {
    private OneLineLogging() {}

    static void install() {
        LogManager.getLogManager().reset();
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(Level.ALL);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder sb = new StringBuilder("[").append(r.getLevel().getName().toLowerCase()).append("] ")
                        .append(formatMessage(r)).append(System.lineSeparator());
                if (r.getThrown() != null) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(sw);
                }
                return sb.toString();
            }
        });
        Logger root = Logger.getLogger("");
        root.addHandler(h);
        root.setLevel(Level.INFO);
    }
}
