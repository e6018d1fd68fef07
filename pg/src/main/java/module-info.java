/**
 * jasyncio's asyncpg-style PostgreSQL driver. Start at {@link io.jasyncio.pg.Pg}. The wire protocol
 * ({@code io.jasyncio.pg.protocol}) and the binary codecs ({@code io.jasyncio.pg.types}) are not exported: a
 * program adds its own types with {@link io.jasyncio.pg.TypeCodec}.
 */
module io.jasyncio.pg {
    // Connections, pools and cursors are used from the core's tasks; its types appear in this module's API.
    requires transitive io.jasyncio;

    exports io.jasyncio.pg;
}
