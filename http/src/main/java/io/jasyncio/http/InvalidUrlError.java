package io.jasyncio.http;

/**
 * A URL the client cannot use (aiohttp's {@code InvalidURL}): malformed, without a host, or with a scheme other
 * than {@code http} and {@code https}. The message names the URL.
 *
 * <p>Threading: immutable once thrown.
 */
public final class InvalidUrlError extends IllegalArgumentException {
    /** The URL refused, as given. */
    private final String url;

    InvalidUrlError(String url, String why) {
        super("invalid URL " + url + ": " + why);
        this.url = url;
    }

    /**
     * The URL refused, as given (aiohttp's {@code InvalidURL.url}).
     *
     * @return the URL
     */
    public String url() {
        return url;
    }
}
