package io.jasyncio;

/**
 * Run by {@link ParkingStdinTest} in a child JVM whose standard input the test writes: one line per event on
 * standard output, so the test reads what happened in what order.
 */
public final class StdinProbe {
    private StdinProbe() {}

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static String readSome() throws java.io.IOException {
        byte[] buf = new byte[100];
        int n = System.in.read(buf, 0, buf.length);
        return n < 0 ? "EOF" : new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    public static void main(String[] args) throws Exception {
        boolean vthread = "vthread".equals(io.jasyncio.internal.Engine.get().name());
        Asyncio.run(() -> {
            Task<String> reader = Asyncio.createTask(StdinProbe::readSome);
            Task<Void> ticker = Asyncio.createTask(() -> {
                say("TICK"); // before READ only if the loop ran while the read waited
                return null;
            });
            say("READ " + Asyncio.await(reader));
            Asyncio.await(ticker);
            if (vthread) { // with portable, a read holds the loop: nothing could cancel it while it waits
                Task<String> cancelled = Asyncio.createTask(StdinProbe::readSome);
                Asyncio.sleep(0);
                cancelled.cancel();
                try {
                    Asyncio.await(cancelled);
                    say("NOT CANCELLED");
                } catch (CancelledError e) {
                    say("CANCELLED");
                }
            }
            return null;
        });
        if (vthread) say("MAIN " + readSome()); // outside any task: what the cancelled read's helper got
        say("END");
    }
}
