package io.jasyncio.examples.vectordb;

/**
 * One search result: the id of a stored vector and its score under the collection's {@link Metric}.
 * Immutable; any thread.
 */
public record Hit(String id, double score) {}
