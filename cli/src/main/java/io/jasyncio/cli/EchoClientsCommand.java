package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.EchoClients;
import io.jasyncio.examples.StreamsConnector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code echo-clients}: seed 002's timing client, N clients on jasyncio streams, one line per event. */
@Command(name = "echo-clients", mixinStandardHelpOptions = true,
        description = "Seed 002's test client: each client connects, sends \"你好\" after 0.5 s and \"世界！\" after "
                + "another 0.5 s, waits for each echo, and disconnects; one timestamped line per event.")
public final class EchoClientsCommand implements Callable<Integer> {
    /** Clients print their lines indented by 8 columns each: more than this is unreadable anyway. */
    static final int MAX_CLIENTS = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, description = "The echo server's port, 1 to 65535.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The echo server's address. Default ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--clients", defaultValue = "3", description = "How many clients, 1 to " + MAX_CLIENTS + ". Default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--lang", defaultValue = "zh", description = "zh (the seed's own lines) or en. Default ${DEFAULT-VALUE}.")
    EchoClients.Lang lang;

    @Option(names = "--scale", defaultValue = "1.0", description = "Multiplies the 0.5 s pauses, 0.01 to 10; times are shown in the seed's seconds. "
            + "Default ${DEFAULT-VALUE}.")
    double scale;

    @Override
    public Integer call() {
        Check.connectPort(spec, "--port", port);
        Check.count(spec, "--clients", clients, 1, MAX_CLIENTS);
        Check.scale(spec, scale);
        ScaleNote.print(scale);
        Asyncio.run(() -> new EchoClients(host, port).clients(clients).scale(scale)
                .printTo(System.out::println, lang).connector(new StreamsConnector()).run());
        return 0;
    }
}
