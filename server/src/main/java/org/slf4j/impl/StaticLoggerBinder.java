package org.slf4j.impl;

import cairn.server.logging.CairnLoggerFactory;
import org.slf4j.ILoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * The slf4j 1.7 binding of the cairn command: every logger (Cairn's, jraft's, the AWS SDK's) writes through
 * {@link cairn.server.logging.Logging}, as plain text (the default) or JSON lines.
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {
    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

    /** The slf4j API version this binding is compiled against (read by slf4j's version check). */
    public static String REQUESTED_API_VERSION = "1.7.36"; // not final: slf4j's own bindings do the same

    private final ILoggerFactory factory = new CairnLoggerFactory();

    private StaticLoggerBinder() {}

    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public String getLoggerFactoryClassStr() {
        return CairnLoggerFactory.class.getName();
    }
}
