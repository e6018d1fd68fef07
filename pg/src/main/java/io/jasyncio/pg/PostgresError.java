package io.jasyncio.pg;

/**
 * An error the server reported (ErrorResponse): asyncpg's {@code PostgresError}. The subclasses in
 * {@link PostgresErrors} (generated from PostgreSQL's SQLSTATE table) let code catch a class of conditions
 * ({@code IntegrityConstraintViolationError} for SQLSTATE 23xxx) or one condition
 * ({@code UniqueViolationError}, 23505); a code with no class of its own is its SQLSTATE class's type, or
 * this one. The server's fields are {@link #fields()} and the accessors below; the exception's message is the
 * server's message, with the detail and hint appended.
 *
 * <p>An error ends one query: the connection stays usable (in a transaction, the transaction is aborted until
 * rolled back, as in any PostgreSQL client). FATAL errors end the connection.
 *
 * <p>Threading: immutable.
 */
public class PostgresError extends RuntimeException {
    private final ServerMessage fields;
    /** Where the driver saw it (e.g. which executemany rows), appended to the message; set before it is thrown. */
    private String where;

    public PostgresError(ServerMessage fields) {
        super(fields.describe());
        this.fields = fields;
    }

    /** Makes the most specific subclass for the fields' SQLSTATE. */
    public static PostgresError of(ServerMessage fields) {
        return PostgresErrors.create(fields);
    }

    void setWhere(String where) {
        this.where = where;
    }

    /** The server's message, detail and hint, then where the driver met the error, if it knows (the executemany rows). */
    @Override
    public String getMessage() {
        return where == null ? super.getMessage() : super.getMessage() + "\n" + where;
    }

    /** Every field the server sent. */
    public ServerMessage fields() {
        return fields;
    }

    public String sqlstate() {
        return fields.sqlstate();
    }

    public String severity() {
        return fields.severity();
    }

    /** The server's primary message (without detail and hint). */
    public String serverMessage() {
        return fields.message();
    }

    public String detail() {
        return fields.detail();
    }

    public String hint() {
        return fields.hint();
    }

    /** 1-based character index into the query, or null. */
    public Integer position() {
        return fields.position();
    }

    public String schemaName() {
        return fields.schemaName();
    }

    public String tableName() {
        return fields.tableName();
    }

    public String columnName() {
        return fields.columnName();
    }

    public String constraintName() {
        return fields.constraintName();
    }
}
