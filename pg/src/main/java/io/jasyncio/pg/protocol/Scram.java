package io.jasyncio.pg.protocol;

import io.jasyncio.pg.InterfaceError;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it, with optional channel binding
 * {@code tls-server-end-point} (RFC 5929: a hash of the server's certificate, so a man in the middle that
 * terminates TLS with another certificate cannot relay the exchange). PostgreSQL ignores the SCRAM user name
 * (the startup message's counts), so it is sent empty, as libpq does.
 *
 * <p>Threading: one exchange, on the loop's thread.
 */
final class Scram {
    /** A server asking for more iterations than this is refused: each costs an HMAC on the loop's thread. */
    static final int MAX_ITERATIONS = 1_000_000;

    private final byte[] password;
    private final String gs2Header;
    private final byte[] channelBindingData;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] saltedPassword;
    /** Whether the server proved it knows the password (its signature in SASLFinal checked out). */
    private boolean serverVerified;
    private String authMessage;

    /**
     * @param cbindData the certificate hash for SCRAM-SHA-256-PLUS, or null
     * @param serverCouldBind whether we are on TLS but the server did not offer PLUS ("y": we could have bound)
     */
    Scram(String password, byte[] cbindData, boolean serverCouldBind) {
        this.password = normalize(password).getBytes(StandardCharsets.UTF_8);
        this.channelBindingData = cbindData;
        this.gs2Header = cbindData != null ? "p=tls-server-end-point,," : serverCouldBind ? "y,," : "n,,";
        byte[] nonce = new byte[18];
        new SecureRandom().nextBytes(nonce);
        this.clientNonce = Base64.getEncoder().encodeToString(nonce);
        this.clientFirstBare = "n=,r=" + clientNonce;
    }

    String mechanism() {
        return channelBindingData != null ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256";
    }

    byte[] clientFirst() {
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** From the server-first message (r=, s=, i=), the client-final message with the proof. */
    byte[] clientFinal(String serverFirst) {
        String nonce = attribute(serverFirst, 'r');
        String salt = attribute(serverFirst, 's');
        String iter = attribute(serverFirst, 'i');
        if (nonce == null || salt == null || iter == null) throw bad("server-first-message lacks r, s or i: " + serverFirst);
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw bad("the server's nonce does not extend ours");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(iter);
        } catch (NumberFormatException e) {
            throw bad("iteration count is not a number: " + iter);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw bad("iteration count " + iterations + " is out of bounds (1.." + MAX_ITERATIONS + ")");
        }
        byte[] saltBytes;
        try {
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw bad("salt is not base64");
        }
        saltedPassword = hi(password, saltBytes, iterations);
        byte[] cbind = gs2Header.getBytes(StandardCharsets.UTF_8);
        if (channelBindingData != null) cbind = concat(cbind, channelBindingData);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        byte[] storedKey = sha256(clientKey);
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the server-final message's signature: the server knew the password too. */
    void verifyServerFinal(String serverFinal) {
        String err = attribute(serverFinal, 'e');
        if (err != null) throw bad("the server refused the proof: " + err);
        String v = attribute(serverFinal, 'v');
        if (v == null) throw bad("server-final-message lacks v: " + serverFinal);
        byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
        byte[] got;
        try {
            got = Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw bad("server signature is not base64");
        }
        if (!MessageDigest.isEqual(expected, got)) {
            throw bad("the server's signature is wrong: it does not know the password (or a man in the middle)");
        }
        serverVerified = true;
    }

    boolean serverVerified() {
        return serverVerified;
    }

    /**
     * The tls-server-end-point channel binding data: the certificate hashed with its signature's hash function,
     * SHA-256 when that is MD5 or SHA-1 (RFC 5929 section 4.1).
     */
    static byte[] endPointHash(X509Certificate cert) {
        String alg = cert.getSigAlgName().toUpperCase(java.util.Locale.ROOT);
        int with = alg.indexOf("WITH");
        String hash = with > 0 ? alg.substring(0, with) : "SHA256";
        String digest = switch (hash) {
            case "SHA384" -> "SHA-384";
            case "SHA512" -> "SHA-512";
            case "SHA224" -> "SHA-224";
            default -> "SHA-256"; // MD5, SHA1, SHA256, and anything else
        };
        try {
            return MessageDigest.getInstance(digest).digest(cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new InterfaceError("cannot hash the server certificate for channel binding: " + e, e);
        }
    }

    private static String attribute(String msg, char name) {
        for (String part : msg.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') return part.substring(2);
        }
        return null;
    }

    /**
     * SASLprep, approximately: NFKC (the mapping SASLprep's stringprep profile ends with). PostgreSQL falls back to
     * the raw bytes when a password is not valid UTF-8 or SASLprep fails, and ASCII passwords are unchanged.
     */
    private static String normalize(String password) {
        for (int i = 0; i < password.length(); i++) {
            if (password.charAt(i) >= 0x80) return Normalizer.normalize(password, Normalizer.Form.NFKC);
        }
        return password;
    }

    /** PBKDF2 with HMAC-SHA-256, one block (RFC 5802's Hi). */
    private static byte[] hi(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero byte is the same key.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int k = 0; k < result.length; k++) result[k] ^= u[k];
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new InterfaceError("SCRAM needs HmacSHA256: " + e, e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new InterfaceError("SCRAM needs HmacSHA256: " + e, e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new InterfaceError("SCRAM needs SHA-256: " + e, e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static InterfaceError bad(String what) {
        return new InterfaceError("SCRAM authentication failed: " + what);
    }
}
