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
    /** The server's fields. */
    private final ServerMessage fields;
    /** Where the driver saw it (e.g. which executemany rows), appended to the message; set before it is thrown. */
    private String where;

    /**
     * The error of these fields; {@link #of} makes the most specific subclass instead.
     *
     * @param fields the ErrorResponse's fields
     */
    public PostgresError(ServerMessage fields) {
        super(fields.describe());
        this.fields = fields;
    }

    /**
     * Makes the most specific subclass for the fields' SQLSTATE.
     *
     * @param fields the ErrorResponse's fields
     * @return a {@link PostgresErrors} subclass, or a PostgresError for a code without one
     */
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

    /**
     * Every field the server sent.
     *
     * @return the fields
     */
    public ServerMessage fields() {
        return fields;
    }

    /**
     * The SQLSTATE code (asyncpg's {@code sqlstate}).
     *
     * @return five characters, e.g. "23505"
     */
    public String sqlstate() {
        return fields.sqlstate();
    }

    /**
     * The severity (asyncpg's {@code severity}).
     *
     * @return ERROR, FATAL or PANIC, localized
     */
    public String severity() {
        return fields.severity();
    }

    /**
     * The server's primary message (without detail and hint).
     *
     * @return the message
     */
    public String serverMessage() {
        return fields.message();
    }

    /**
     * The detail message (asyncpg's {@code detail}).
     *
     * @return the detail, or null
     */
    public String detail() {
        return fields.detail();
    }

    /**
     * The hint (asyncpg's {@code hint}).
     *
     * @return the hint, or null
     */
    public String hint() {
        return fields.hint();
    }

    /**
     * 1-based character index into the query, or null.
     *
     * @return the position, or null
     */
    public Integer position() {
        return fields.position();
    }

    /**
     * The schema of the object concerned (asyncpg's {@code schema_name}).
     *
     * @return the name, or null
     */
    public String schemaName() {
        return fields.schemaName();
    }

    /**
     * The table concerned (asyncpg's {@code table_name}).
     *
     * @return the name, or null
     */
    public String tableName() {
        return fields.tableName();
    }

    /**
     * The column concerned (asyncpg's {@code column_name}).
     *
     * @return the name, or null
     */
    public String columnName() {
        return fields.columnName();
    }

    /**
     * The constraint violated (asyncpg's {@code constraint_name}).
     *
     * @return the name, or null
     */
    public String constraintName() {
        return fields.constraintName();
    }
}
