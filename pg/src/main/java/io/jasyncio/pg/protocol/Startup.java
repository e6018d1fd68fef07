package io.jasyncio.pg.protocol;

import io.jasyncio.Future;
import io.jasyncio.pg.ChannelBinding;
import io.jasyncio.pg.InterfaceError;
import io.jasyncio.pg.PostgresError;
import io.jasyncio.pg.ServerMessage;
import io.jasyncio.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;

/**
 * The start of a session: the StartupMessage, authentication (trust; cleartext password; MD5; SCRAM-SHA-256 and
 * SCRAM-SHA-256-PLUS), then BackendKeyData and ParameterStatus until the first ReadyForQuery. Driven by the
 * protocol's callbacks, answering each challenge at once.
 *
 * <p>Threading: the loop's thread.
 */
public final class Startup {
    private final PgProtocol proto;
    private final String user;
    private final String password;
    private final ChannelBinding channelBinding;
    private final X509Certificate serverCert;
    private final Future<Void> done;
    private Scram scram;
    private boolean boundToChannel;

    /**
     * @param serverCert the server's certificate when the connection uses TLS (for channel binding), else null
     */
    public Startup(PgProtocol proto, String user, String password, ChannelBinding channelBinding, X509Certificate serverCert) {
        this.proto = proto;
        this.user = user;
        this.password = password;
        this.channelBinding = channelBinding;
        this.serverCert = serverCert;
        this.done = proto.loop.createFuture();
    }

    /** Sends the StartupMessage with {@code params} (user and database among them); returns what completes at ReadyForQuery. */
    public Future<Void> start(Map<String, String> params) {
        MessageBuffer m = new MessageBuffer(256);
        int at = m.beginValue();
        m.putInt(196608); // protocol 3.0
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) continue;
            m.putCString(e.getKey());
            m.putCString(e.getValue());
        }
        m.putByte(0);
        m.putIntAt(at, m.size());
        proto.startup = this;
        proto.writeNow(m);
        return done;
    }

    void message(byte type, byte[] b, int off, int len) {
        try {
            switch (type) {
                case 'R' -> authentication(b, off, len);
                case 'K' -> {
                    if (len != 8) throw new ProtocolViolation("BackendKeyData of " + len + " bytes");
                    proto.backendPid = Bytes.getInt(b, off);
                    proto.backendSecret = Bytes.getInt(b, off + 4);
                }
                case 'Z' -> {
                    proto.startup = null;
                    proto.setTxStatus((char) b[off]);
                    if (!done.done()) done.setResult(null); // done already: the connect was cancelled (timed out)
                }
                case 'E' -> fail(PostgresError.of(ServerMessage.parse(b, off, len)));
                case 'v' -> { } // NegotiateProtocolVersion: we asked for 3.0 and no options; nothing to change
                default -> throw new ProtocolViolation("unexpected message '" + (char) type + "' during startup");
            }
        } catch (InterfaceError | PostgresError e) {
            fail(e);
        }
    }

    private void authentication(byte[] b, int off, int len) {
        if (len < 4) throw new ProtocolViolation("Authentication message too short");
        int code = Bytes.getInt(b, off);
        switch (code) {
            case 0 -> { // AuthenticationOk
                if (scram != null && !scram.serverVerified()) { // libpq refuses this too: no mutual authentication
                    throw new InterfaceError("the server said AuthenticationOk before completing SCRAM (no server "
                            + "signature): it does not prove it knows the password; a man in the middle may be answering");
                }
                if (channelBinding == ChannelBinding.REQUIRE && !boundToChannel) {
                    throw new InterfaceError("channel_binding=require, but the server authenticated us without "
                            + "SCRAM-SHA-256-PLUS (trust, password or md5 in pg_hba.conf, or no TLS)");
                }
            }
            case 3 -> { // cleartext password
                refuseWithoutBinding("password");
                passwordMessage(needPassword("password").getBytes(StandardCharsets.UTF_8));
            }
            case 5 -> { // MD5: "md5" + md5(md5(password + user) + salt)
                refuseWithoutBinding("md5");
                if (len != 8) throw new ProtocolViolation("AuthenticationMD5Password of " + len + " bytes");
                byte[] salt = new byte[4];
                System.arraycopy(b, off + 4, salt, 0, 4);
                String inner = md5Hex(concat(needPassword("md5").getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
                String outer = md5Hex(concat(inner.getBytes(StandardCharsets.US_ASCII), salt));
                passwordMessage(("md5" + outer).getBytes(StandardCharsets.US_ASCII));
            }
            case 10 -> sasl(b, off + 4, off + len);
            case 11 -> { // SASLContinue: server-first-message
                if (scram == null) throw new ProtocolViolation("SASLContinue without SASL");
                byte[] fin = scram.clientFinal(Bytes.utf8(b, off + 4, len - 4));
                MessageBuffer m = new MessageBuffer(fin.length + 8);
                int at = m.begin('p');
                m.putBytes(fin);
                m.end(at);
                proto.writeNow(m);
            }
            case 12 -> { // SASLFinal
                if (scram == null) throw new ProtocolViolation("SASLFinal without SASL");
                scram.verifyServerFinal(Bytes.utf8(b, off + 4, len - 4));
            }
            case 2 -> throw unsupported("Kerberos V5");
            case 7, 8 -> throw unsupported("GSSAPI");
            case 9 -> throw unsupported("SSPI");
            default -> throw unsupported("method " + code);
        }
    }

    private void sasl(byte[] b, int off, int end) {
        List<String> mechanisms = new ArrayList<>();
        int p = off;
        while (p < end && b[p] != 0) {
            int z = Bytes.indexOfNul(b, p, end);
            mechanisms.add(Bytes.utf8(b, p, z - p));
            p = z + 1;
        }
        boolean plus = mechanisms.contains("SCRAM-SHA-256-PLUS");
        boolean useBinding = plus && serverCert != null && channelBinding != ChannelBinding.DISABLE;
        if (channelBinding == ChannelBinding.REQUIRE && !useBinding) {
            throw new InterfaceError("channel_binding=require, but " + (serverCert == null
                    ? "the connection does not use TLS (sslmode)" : "the server does not offer SCRAM-SHA-256-PLUS")
                    + "; it offered " + mechanisms);
        }
        if (!useBinding && !mechanisms.contains("SCRAM-SHA-256")) {
            throw new InterfaceError("the server offers no SASL mechanism this driver supports: " + mechanisms);
        }
        String pw = needPassword("SCRAM-SHA-256");
        // "y": we could bind but the server did not offer it (a downgrade a server can then detect).
        scram = new Scram(pw, useBinding ? Scram.endPointHash(serverCert) : null,
                serverCert != null && !plus && channelBinding != ChannelBinding.DISABLE);
        boundToChannel = useBinding;
        byte[] first = scram.clientFirst();
        MessageBuffer m = new MessageBuffer(first.length + 64);
        int at = m.begin('p');
        m.putCString(scram.mechanism());
        m.putInt(first.length);
        m.putBytes(first);
        m.end(at);
        proto.writeNow(m);
    }

    private void refuseWithoutBinding(String method) {
        if (channelBinding == ChannelBinding.REQUIRE) {
            throw new InterfaceError("channel_binding=require, but the server asks for " + method
                    + " authentication, which has no channel binding");
        }
    }

    private void passwordMessage(byte[] pw) {
        MessageBuffer m = new MessageBuffer(pw.length + 8);
        int at = m.begin('p');
        m.putBytes(pw);
        m.putByte(0);
        m.end(at);
        proto.writeNow(m);
    }

    private String needPassword(String method) {
        if (password == null) {
            throw new InterfaceError("the server asks for a password (" + method + " authentication) for user \""
                    + user + "\" and none was given: put it in the DSN (postgresql://user:password@host/db), "
                    + "ConnectOptions.password, or PGPASSWORD");
        }
        return password;
    }

    private static InterfaceError unsupported(String what) {
        return new InterfaceError("the server asks for " + what + " authentication, which this driver does not support: "
                + "use scram-sha-256, md5, password or trust in pg_hba.conf");
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new InterfaceError("md5 authentication needs the MD5 digest: " + e, e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private void fail(RuntimeException e) {
        proto.startup = null;
        if (!done.done()) done.setException(e);
        if (proto.transport != null) proto.transport.abort();
    }

    void lost(RuntimeException e) {
        proto.startup = null;
        if (!done.done()) done.setException(e);
    }

    /** The server's certificate on a TLS connection (for SCRAM's {@code tls-server-end-point} channel binding), or null. */
    public static X509Certificate peerCertificate(Transport t) {
        if (t.getExtraInfo("ssl_session") instanceof SSLSession s) {
            try {
                Certificate[] chain = s.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate x) return x;
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return null;
            }
        }
        return null;
    }
}
