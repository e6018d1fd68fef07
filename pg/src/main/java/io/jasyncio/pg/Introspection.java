package io.jasyncio.pg;

import io.jasyncio.pg.protocol.QueryRequest;
import io.jasyncio.pg.protocol.RowDescription;
import io.jasyncio.pg.protocol.Statement;
import io.jasyncio.pg.types.Codec;
import io.jasyncio.pg.types.Codecs;
import io.jasyncio.pg.types.RecordCodec;
import io.jasyncio.pg.types.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Learns the types a statement uses that are not built in, from the server's catalog (as asyncpg's introspection
 * query): an enum reads as its label (String), a domain as its base type, a composite type as a {@link Record}
 * with its attribute names (and is sent in binary), an array of any of these as a List. Other types (ranges,
 * extension types) stay text. Each type is looked up once per connection.
 *
 * <p>Threading: the connection's loop thread.
 */
final class Introspection {
    private static final String QUERY = "SELECT t.oid, t.typtype, t.typelem, t.typbasetype, t.typcategory, "
            + "(SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_catalog.pg_attribute a "
            + "  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), "
            + "(SELECT array_agg(a.atttypid ORDER BY a.attnum) FROM pg_catalog.pg_attribute a "
            + "  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) "
            + "FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])";

    private final Set<Integer> looked = new HashSet<>();

    /** Whether {@code st} uses types neither built in nor learnt yet. */
    boolean needed(Statement st, Types types) {
        return !unknown(st, types).isEmpty();
    }

    private Set<Integer> unknown(Statement st, Types types) {
        Set<Integer> u = new LinkedHashSet<>();
        for (int o : st.paramOids()) if (!types.known(o) && !looked.contains(o)) u.add(o);
        RowDescription c = st.columns();
        if (c != null) for (int o : c.typeOids) if (!types.known(o) && !looked.contains(o)) u.add(o);
        return u;
    }

    /** Looks the statement's unknown types up (and the types they are made of), then re-resolves its codecs. */
    void resolve(Session s, Statement st) {
        Set<Integer> todo = unknown(st, s.proto.types);
        if (!todo.isEmpty()) learn(s, todo, 0);
        st.refreshCodecs(s.proto.types);
    }

    /** Queries the catalog for {@code oids}, learns their parts first (array elements, domain bases, fields). */
    private void learn(Session s, Set<Integer> oids, int depth) {
        if (depth > 8) return; // composites of composites...: enough levels; deeper parts stay text
        Types types = s.proto.types;
        looked.addAll(oids);
        List<Long> arg = new ArrayList<>();
        for (int o : oids) arg.add(o & 0xffff_ffffL);
        @SuppressWarnings("unchecked")
        List<Record> rows = (List<Record>) s.query(QUERY, new Object[] {arg}, QueryRequest.ROWS, null);
        Set<Integer> parts = new LinkedHashSet<>();
        for (Record r : rows) for (int d : dependencies(r)) if (!types.known(d) && !looked.contains(d)) parts.add(d);
        if (!parts.isEmpty()) learn(s, parts, depth + 1);
        for (Record r : rows) register(types, r);
    }

    private static List<Integer> dependencies(Record r) {
        List<Integer> d = new ArrayList<>();
        long elem = r.getLong(2);
        long base = r.getLong(3);
        if (elem != 0) d.add((int) elem);
        if (base != 0) d.add((int) base);
        List<Long> fields = r.getList(6);
        if (fields != null) for (Long f : fields) d.add(f.intValue());
        return d;
    }

    private static void register(Types types, Record r) {
        int oid = (int) r.getLong(0);
        String kind = r.getString(1);
        int elem = (int) r.getLong(2);
        int base = (int) r.getLong(3);
        String category = r.getString(4);
        switch (kind) {
            case "e" -> types.register(oid, Codecs.TEXT); // an enum's binary form is its label
            case "d" -> {
                Codec c = types.codec(base);
                types.register(oid, c);
            }
            case "c" -> {
                List<String> names = r.getList(5);
                List<Long> fieldOids = r.getList(6);
                int[] f = new int[fieldOids == null ? 0 : fieldOids.size()];
                for (int i = 0; i < f.length; i++) f[i] = fieldOids.get(i).intValue();
                types.register(oid, new RecordCodec(names, f));
            }
            default -> {
                if (elem != 0 && "A".equals(category)) types.registerArray(oid, elem);
                // else: no binary codec (ranges, extension types): text, as before
            }
        }
    }
}
