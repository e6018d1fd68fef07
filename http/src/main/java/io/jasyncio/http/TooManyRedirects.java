package io.jasyncio.http;

import java.util.List;

/**
 * A request was redirected more than its {@code maxRedirects} times (aiohttp's {@code TooManyRedirects}).
 * {@link #history()} holds the redirect responses followed (their bodies were not read).
 *
 * <p>Threading: immutable once thrown.
 */
public final class TooManyRedirects extends ClientResponseError {
    /** The redirect responses followed, oldest first. */
    private final List<ClientResponse> history;

    TooManyRedirects(ClientResponse last, List<ClientResponse> history, int max) {
        super(last.status(), last.headers(), last.method() + " " + history.get(0).url() + ": more than " + max
                + " redirects (the last to " + last.header("Location") + "); raise maxRedirects or stop the loop");
        this.history = List.copyOf(history);
    }

    /**
     * The redirect responses followed, oldest first.
     *
     * @return an unmodifiable list of responses whose bodies were not read
     */
    public List<ClientResponse> history() {
        return history;
    }
}
