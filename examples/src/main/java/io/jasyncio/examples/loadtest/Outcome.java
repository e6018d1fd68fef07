package io.jasyncio.examples.loadtest;

/** How one request (one {@link Step}) ended: a success or a failure of one kind. */
public enum Outcome {
    OK("ok"),
    /** No answer within the load test's step timeout (the client gave up). */
    CLIENT_TIMEOUT("client-side step timeout"),
    /** The service's own {@value WorkflowService#INPUT_TIMEOUT_ERROR} error: it is overloaded. */
    INPUT_TIMEOUT("service: " + WorkflowService.INPUT_TIMEOUT_ERROR),
    /** Any other error the service answered (an unknown workflow, say). */
    SERVICE_ERROR("service: other error"),
    /** Nothing listens at the address. */
    CONNECTION_REFUSED("connection refused"),
    /** The connection was reset or closed before the reply was complete. */
    CONNECTION_LOST("connection reset or closed"),
    /** A reply that is not in the protocol. */
    MALFORMED_REPLY("malformed reply");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** How the report names it. */
    public String label() {
        return label;
    }
}
