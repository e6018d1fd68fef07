package io.jasyncio.pg;

import io.jasyncio.pg.protocol.CopyInRequest;
import io.jasyncio.pg.protocol.MessageBuffer;
import io.jasyncio.pg.protocol.RowDescription;
import io.jasyncio.pg.types.Codec;
import io.jasyncio.pg.types.Oid;
import io.jasyncio.pg.types.Types;

/**
 * COPY's binary format for {@link Connection#copyRecordsToTable}: a signature and header, then per row a field count
 * and each field as a length (-1 for NULL) and its binary value, then -1. Rows are encoded by the columns' codecs
 * straight into CopyData messages of about 64 KiB, sent as the transport drains.
 *
 * <p>Threading: the connection's loop thread, in the copying task.
 */
final class BinaryCopy {
    private BinaryCopy() {}

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    /** Checks every column can be sent in binary. */
    static void check(RowDescription d, String table) {
        for (int i = 0; i < d.size(); i++) {
            if (!d.codecs[i].binary()) {
                throw new InterfaceError("column \"" + d.names[i] + "\" of " + table + " is " + Oid.name(d.typeOids[i])
                        + ", which has no binary codec: binary COPY cannot send it. Use copyToTable with text or CSV data, "
                        + "or set a binary codec (setTypeCodec)");
            }
        }
    }

    static void write(Session s, RowDescription d, Iterable<?> records, MessageBuffer out, CopyInRequest r) {
        int n = d.size();
        Codec[] codecs = d.codecs;
        Types types = d.types;
        int msg = CopyInRequest.beginData(out);
        out.putBytes(SIGNATURE);
        out.putInt(0); // flags
        out.putInt(0); // header extension length
        long row = 0;
        for (Object rec : records) {
            Object[] v = Rows.toArgs(rec);
            if (v.length != n) throw new DataError("record " + row + " has " + v.length + " values for " + n + " columns");
            out.putShort(n);
            for (int i = 0; i < n; i++) {
                Object x = v[i];
                if (x == null) {
                    out.putInt(-1);
                    continue;
                }
                int at = out.beginValue();
                try {
                    codecs[i].encode(x, out, types);
                } catch (DataError | ClassCastException | ArithmeticException e) {
                    throw new DataError("invalid input in record " + row + ", column \"" + d.names[i] + "\" ("
                            + Oid.name(d.typeOids[i]) + "): " + e.getMessage(), e);
                }
                out.endValue(at);
            }
            row++;
            if (out.size() >= 64 * 1024) {
                out.end(msg);
                if (!s.flushCopy(out, r)) return; // the server ended the COPY (an error): stop sending
                msg = CopyInRequest.beginData(out);
            }
        }
        out.putShort(-1);
        out.end(msg);
    }
}
