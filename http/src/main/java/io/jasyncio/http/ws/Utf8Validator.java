package io.jasyncio.http.ws;

/**
 * Checks UTF-8 as it arrives, a piece at a time (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), so a text message is refused at its first invalid byte even when a code point is split across
 * fragments or reads.
 *
 * <p>Threading: one connection's, on its loop's thread.
 */
final class Utf8Validator {
    /** Continuation bytes still expected, and the range the next one must fall in. */
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;

    /** False at the first byte that cannot continue valid UTF-8. */
    boolean feed(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            int c = b[i] & 0xFF;
            if (need == 0) {
                if (c < 0x80) continue;
                if (c >= 0xC2 && c <= 0xDF) start(1, 0x80, 0xBF);
                else if (c == 0xE0) start(2, 0xA0, 0xBF); // no overlong three-byte forms
                else if (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) start(2, 0x80, 0xBF);
                else if (c == 0xED) start(2, 0x80, 0x9F); // no surrogates (U+D800-DFFF)
                else if (c == 0xF0) start(3, 0x90, 0xBF); // no overlong four-byte forms
                else if (c >= 0xF1 && c <= 0xF3) start(3, 0x80, 0xBF);
                else if (c == 0xF4) start(3, 0x80, 0x8F); // nothing above U+10FFFF
                else return false;
            } else {
                if (c < lo || c > hi) return false;
                need--;
                lo = 0x80;
                hi = 0xBF;
            }
        }
        return true;
    }

    private void start(int n, int low, int high) {
        need = n;
        lo = low;
        hi = high;
    }

    /** Whether the bytes so far end at a code point's end. */
    boolean complete() {
        return need == 0;
    }

    void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }

    /** Whether {@code b[off, off+len)} is valid UTF-8 on its own. */
    static boolean valid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(b, off, len) && v.complete();
    }
}
