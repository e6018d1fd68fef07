package io.jasyncio.http;

/**
 * A redirection (aiohttp's {@code HTTPMove} family): thrown by a handler (or its {@link #response()} returned),
 * it answers with a 3xx status and a {@code Location}. The factories are aiohttp's classes:
 * {@link #found} ({@code HTTPFound}, 302), {@link #movedPermanently} (301), {@link #seeOther} (303),
 * {@link #temporaryRedirect} (307: the method and body are kept), {@link #permanentRedirect} (308: likewise).
 * The location is sent as given (a path or an absolute URL); one holding CR, LF, NUL or a character outside
 * ISO-8859-1 is refused with an {@link IllegalArgumentException} (percent-encode it, e.g. with
 * {@link NamedRoute#urlFor}), so a redirect built from user input cannot split the response.
 *
 * <p>Threading: immutable once thrown.
 */
public final class HttpRedirect extends HttpError {
    /** The {@code Location} value, checked. */
    private final String location;

    private HttpRedirect(int status, String location) {
        super(status, status + ": " + HttpStatus.reason(status), true);
        this.location = checkLocation(location);
        withHeader("Location", this.location);
    }

    /**
     * A 302 Found (aiohttp's {@code HTTPFound}).
     *
     * @param location the {@code Location} value: a path or an absolute URL
     * @return the redirect, to throw or whose {@link #response()} to return
     * @throws IllegalArgumentException if {@code location} holds CR, LF, NUL or a character outside ISO-8859-1
     */
    public static HttpRedirect found(String location) {
        return new HttpRedirect(302, location);
    }

    /**
     * A 301 Moved Permanently (aiohttp's {@code HTTPMovedPermanently}).
     *
     * @param location the {@code Location} value: a path or an absolute URL
     * @return the redirect, to throw or whose {@link #response()} to return
     * @throws IllegalArgumentException if {@code location} holds CR, LF, NUL or a character outside ISO-8859-1
     */
    public static HttpRedirect movedPermanently(String location) {
        return new HttpRedirect(301, location);
    }

    /**
     * A 303 See Other (aiohttp's {@code HTTPSeeOther}): the client follows with a GET.
     *
     * @param location the {@code Location} value: a path or an absolute URL
     * @return the redirect, to throw or whose {@link #response()} to return
     * @throws IllegalArgumentException if {@code location} holds CR, LF, NUL or a character outside ISO-8859-1
     */
    public static HttpRedirect seeOther(String location) {
        return new HttpRedirect(303, location);
    }

    /**
     * A 307 Temporary Redirect (aiohttp's {@code HTTPTemporaryRedirect}): the method and body are kept.
     *
     * @param location the {@code Location} value: a path or an absolute URL
     * @return the redirect, to throw or whose {@link #response()} to return
     * @throws IllegalArgumentException if {@code location} holds CR, LF, NUL or a character outside ISO-8859-1
     */
    public static HttpRedirect temporaryRedirect(String location) {
        return new HttpRedirect(307, location);
    }

    /**
     * A 308 Permanent Redirect (aiohttp's {@code HTTPPermanentRedirect}): the method and body are kept.
     *
     * @param location the {@code Location} value: a path or an absolute URL
     * @return the redirect, to throw or whose {@link #response()} to return
     * @throws IllegalArgumentException if {@code location} holds CR, LF, NUL or a character outside ISO-8859-1
     */
    public static HttpRedirect permanentRedirect(String location) {
        return new HttpRedirect(308, location);
    }

    /**
     * Where the client is sent.
     *
     * @return the {@code Location} header's value, as given
     */
    public String location() {
        return location;
    }

    private static String checkLocation(String location) {
        if (location == null || location.isEmpty()) throw new IllegalArgumentException("a redirect needs a location");
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c < 0x20 || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("the redirect location has a control character or one outside"
                        + " ISO-8859-1 at index " + i + " (" + String.format("U+%04X", (int) c) + "): percent-encode it");
            }
        }
        return location;
    }
}
