/**
 * Seed 004's vector database made real: an in-process {@link io.jasyncio.examples.vectordb.VectorStore}, served
 * over TCP by {@link io.jasyncio.examples.vectordb.VectorServer} (jasyncio streams, a binary wire protocol) or kept
 * in PostgreSQL, all behind the async {@link io.jasyncio.examples.vectordb.VectorClient} API.
 *
 * <p>Threading: clients are used from tasks of one loop; the embedded store runs heavy searches off the loop and
 * says how per class. Start reading at {@link io.jasyncio.examples.vectordb.VectorClient}.
 */
package io.jasyncio.examples.vectordb;
