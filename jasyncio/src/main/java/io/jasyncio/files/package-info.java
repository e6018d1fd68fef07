/**
 * Files for tasks, in aiofiles' spirit: each call suspends the calling task while a worker thread of a small
 * shared pool does the blocking part, so the loop goes on serving other tasks.
 *
 * <p>Threading: call from a task of the running loop; an {@link io.jasyncio.files.AsyncFile} is used by one task
 * at a time. Start reading at {@link io.jasyncio.files.AsyncFiles}.
 */
package io.jasyncio.files;
