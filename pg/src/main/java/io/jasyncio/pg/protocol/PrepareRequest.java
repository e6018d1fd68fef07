package io.jasyncio.pg.protocol;

import io.jasyncio.pg.types.Codec;

/**
 * Parse (named) + Describe statement + Sync: prepares {@code sql} on the server and learns its parameter types and
 * result columns.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class PrepareRequest extends Request<Statement> {
    private final Statement st;

    public PrepareRequest(PgProtocol proto, String name, String sql) {
        super(proto);
        this.st = new Statement(name, sql);
    }

    @Override
    protected void encode(MessageBuffer out) {
        int at = out.begin('P');
        out.putCString(st.name);
        out.putCString(st.sql);
        out.putShort(0);
        out.end(at);
        at = out.begin('D');
        out.putByte('S');
        out.putCString(st.name);
        out.end(at);
        Statement.sync(out);
    }

    @Override
    protected void parameterDescription(byte[] b, int off, int len) {
        if (len < 2) throw new ProtocolViolation("ParameterDescription too short");
        int n = Bytes.getShort(b, off) & 0xffff;
        if (len != 2 + 4 * n) throw new ProtocolViolation("ParameterDescription of " + len + " bytes for " + n + " parameters");
        st.paramOids = new int[n];
        st.paramCodecs = new Codec[n];
        for (int i = 0; i < n; i++) {
            st.paramOids[i] = Bytes.getInt(b, off + 2 + 4 * i);
            st.paramCodecs[i] = proto.types.codec(st.paramOids[i]);
        }
    }

    @Override
    protected void rowDescription(byte[] b, int off, int len) {
        st.columns = RowDescription.parse(b, off, len, proto.types);
    }

    @Override
    protected void noData() {
        st.columns = null;
    }

    @Override
    protected Statement outcome() {
        return st;
    }
}
