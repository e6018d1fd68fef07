/**
 * A PostgreSQL driver with asyncpg's API: {@link io.jasyncio.pg.Pg#connect} and {@code createPool} give a
 * {@link io.jasyncio.pg.Connection} or a {@link io.jasyncio.pg.Pool}; queries return {@link io.jasyncio.pg.Record}s;
 * transactions, cursors, prepared statements, COPY and LISTEN/NOTIFY as asyncpg's; server errors are
 * {@link io.jasyncio.pg.PostgresError} subclasses by SQLSTATE.
 *
 * <p>Threading: a connection and a pool belong to the loop that opened them; their methods are coroutines called
 * from its tasks. Start reading at {@link io.jasyncio.pg.Pg}, then {@link io.jasyncio.pg.Connection}.
 */
package io.jasyncio.pg;
