package io.jasyncio.examples.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server's TLS context for the example web server's {@code --https}: from a PEM certificate chain and a PEM
 * PKCS#8 private key ({@code --cert}/{@code --key}), or a self-signed certificate for {@code localhost} and
 * {@code 127.0.0.1} made on the fly with the JDK's {@code keytool} in a temporary directory (deleted at once: the
 * key lives only in memory). Failures are {@link IllegalArgumentException}s with a one-line message naming the
 * file and what to do.
 *
 * <p>Threading: stateless; blocking (file reads, a child process): call it before the loop starts, or on an
 * executor.
 */
public final class ServerTls {
    private ServerTls() {}

    private static final char[] PASSWORD = "jasyncio".toCharArray();

    /** A context and the SHA-256 fingerprint of its certificate (to compare with what a client is shown). */
    public record Made(SSLContext context, String fingerprint) {}

    /** A self-signed certificate for localhost and 127.0.0.1, valid for 30 days. */
    public static Made selfSigned() {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalArgumentException("--https: the JDK's keytool is not at " + keytool + "; give --cert and --key instead");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jasyncio-https");
            Path p12 = dir.resolve("server.p12");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                    "-validity", "30", "-storetype", "PKCS12", "-keystore", p12.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalArgumentException("--https: keytool could not make a certificate: " + out.lines().findFirst().orElse(""));
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD);
            }
            return made(ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--https: cannot make a self-signed certificate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("--https: interrupted while making a certificate", e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /** The certificate chain in {@code cert} (PEM) and the PKCS#8 key in {@code key} (PEM, not encrypted). */
    public static Made fromPem(Path cert, Path key) {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(cert)) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("--cert: cannot read " + cert + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--cert: " + cert + " holds no PEM certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) throw new IllegalArgumentException("--cert: " + cert + " holds no certificate");
        PrivateKey pk = privateKey(key);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", pk, PASSWORD, chain.toArray(Certificate[]::new));
            return made(ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--key: the key in " + key + " does not go with the certificate in " + cert + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path key) {
        String pem;
        try {
            pem = Files.readString(key, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--key: cannot read " + key + ": " + e.getMessage(), e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException("--key: " + key + " is a PKCS#1/SEC1 key; convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in " + key + " -out key.pk8.pem'");
        }
        if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("--key: " + key + " is encrypted; decrypt it with 'openssl pkcs8 -in " + key + " -out key.pem'");
        }
        int a = pem.indexOf("-----BEGIN PRIVATE KEY-----"), b = pem.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || b < a) throw new IllegalArgumentException("--key: " + key + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(a + 27, b));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key: " + key + ": the key's base64 is corrupt", e);
        }
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("--key: " + key + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private static Made made(KeyStore ks) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        Certificate c = ks.getCertificate("server");
        String fp = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        return new Made(ctx, fp);
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind holds no key once the key store was deleted first
        }
    }
}
