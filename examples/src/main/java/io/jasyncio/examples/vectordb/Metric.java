package io.jasyncio.examples.vectordb;

/**
 * How a search compares the query with the stored vectors. Immutable; any thread.
 * <ul>
 *   <li>{@link #COSINE}: cosine similarity, higher is closer (zero vectors are refused);</li>
 *   <li>{@link #DOT}: dot product, higher is closer;</li>
 *   <li>{@link #L2}: Euclidean distance, lower is closer.</li>
 * </ul>
 */
public enum Metric {
    COSINE, DOT, L2;

    /** Whether a higher score means closer (true for COSINE and DOT, false for L2). */
    public boolean higherIsCloser() {
        return this != L2;
    }
}
