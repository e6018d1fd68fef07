package io.jasyncio.http;

import io.jasyncio.streams.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The status line and header fields of a response, read off a connection; interim 1xx responses (other than
 * 101) are skipped. A head longer than the reader's limit is a {@link io.jasyncio.streams.LimitOverrunError};
 * the connection ending first, an {@link io.jasyncio.streams.IncompleteReadError}; a malformed one, an
 * {@link IOException} naming {@code what}.
 *
 * <p>Threading: immutable.
 */
record ResponseHead(String version, int status, String reason, Headers headers) {
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    static ResponseHead read(StreamReader in, String what) throws IOException {
        while (true) {
            String text = new String(in.readuntil(END_OF_HEAD), StandardCharsets.ISO_8859_1);
            int eol = text.indexOf("\r\n");
            String[] line = text.substring(0, eol).split(" ", 3);
            if (line.length < 2 || !line[0].startsWith("HTTP/1.") || !line[1].matches("\\d{3}")) {
                throw new IOException(what + ": not an HTTP/1.x status line: " + text.substring(0, Math.min(eol, 100)));
            }
            Headers h = new Headers();
            while (eol + 2 < text.length() - 2) {
                int from = eol + 2;
                eol = text.indexOf("\r\n", from);
                String field = text.substring(from, eol);
                if (field.isEmpty()) break;
                int colon = field.indexOf(':');
                if (colon <= 0 || field.charAt(0) == ' ' || field.charAt(0) == '\t') {
                    throw new IOException(what + ": malformed header line in the response: "
                            + field.substring(0, Math.min(field.length(), 100)));
                }
                h.addChecked(field.substring(0, colon).trim(), field.substring(colon + 1).trim());
            }
            int status = Integer.parseInt(line[1]);
            if (status >= 200 || status == 101) return new ResponseHead(line[0], status, line.length > 2 ? line[2] : "", h);
        }
    }
}
