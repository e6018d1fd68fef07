package io.jasyncio.pg;

import io.jasyncio.tls.TlsOptions;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS settings for each {@link SslMode}: PREFER and REQUIRE encrypt without checking the certificate (libpq's
 * behaviour without a root certificate); VERIFY_CA checks the chain against {@code sslrootcert} (a PEM file;
 * default {@code ~/.postgresql/root.crt} if it exists, else the JDK's trusted authorities); VERIFY_FULL also checks
 * that the certificate names the host.
 *
 * <p>Threading: stateless.
 */
final class SslContexts {
    private SslContexts() {}

    static TlsOptions options(ConnectOptions o) {
        SSLContext ctx = o.sslContext() != null ? o.sslContext() : o.sslMode().verifies() ? verifying(o) : trustAll();
        return TlsOptions.client(ctx).withServerHostname(o.host()).withCheckHostname(o.sslMode() == SslMode.VERIFY_FULL)
                .withHandshakeTimeout(o.connectTimeout());
    }

    private static SSLContext verifying(ConnectOptions o) {
        Path root = o.sslRootCert();
        if (root == null) {
            Path home = Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
            if (Files.isReadable(home)) root = home;
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (root == null) {
                ctx.init(null, null, null); // the JDK's trusted authorities
                return ctx;
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(root)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) throw new InterfaceError("sslrootcert " + root + " holds no certificate");
                int i = 0;
                for (Certificate c : certs) ks.setCertificateEntry("root" + (i++), c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new InterfaceError("cannot load sslrootcert " + root + ": " + e.getMessage(), e);
        }
    }

    /** Encrypts, checks nothing: sslmode prefer and require. */
    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new InterfaceError("cannot make a TLS context: " + e, e);
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
