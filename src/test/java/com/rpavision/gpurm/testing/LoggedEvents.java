package com.rpavision.gpurm.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What the named loggers (and those under them) log while it is open, at every level, whatever the test
 * configuration prints: for a test that asks what reached the log. Closing it puts the loggers back as they were.
 */
public final class LoggedEvents implements AutoCloseable {

    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LoggedEvents(String... names) {
        appender.start();
        for (String name : names) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            loggers.add(logger);
            levels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
            logger.setAdditive(false); // not on the console: the test configuration prints nothing
            logger.addAppender(appender);
        }
    }

    /** The events so far. */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(levels.get(i));
            loggers.get(i).setAdditive(true);
        }
        appender.stop();
    }
}
