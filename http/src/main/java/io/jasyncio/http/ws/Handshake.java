package io.jasyncio.http.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The opening handshake's arithmetic (RFC 6455 section 4): the accept value, the key's check, header token lists.
 *
 * <p>Threading: stateless.
 */
final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {}

    /** {@code Sec-WebSocket-Accept} for {@code key}: base64(SHA-1(key + GUID)). */
    static String accept(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Whether {@code key} is the base64 of 16 bytes, as the RFC requires. */
    static boolean validKey(String key) {
        if (key == null || key.length() != 24) return false;
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A fresh key: 16 random bytes in base64. */
    static String newKey() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The comma-separated tokens of every value of a header, trimmed, empty ones left out. */
    static List<String> tokens(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String t : v.split(",")) {
                t = t.trim();
                if (!t.isEmpty()) out.add(t);
            }
        }
        return out;
    }

    static boolean hasToken(List<String> values, String token) {
        for (String t : tokens(values)) {
            if (t.equalsIgnoreCase(token)) return true;
        }
        return false;
    }
}
