package io.jasyncio;

/**
 * Run by {@link ParkingStdinTest} in a child JVM: a platform thread reads System.in (wrapped by the vthread
 * engine) while a loop runs, as a program's stdin-watching thread does; prints what it read.
 */
public final class PlatformStdinProbe {
    private PlatformStdinProbe() {}

    public static void main(String[] args) throws Exception {
        Asyncio.run(() -> { // the engine wraps System.in when a loop first uses it
            Asyncio.sleep(0);
            return null;
        });
        byte[] buf = new byte[100];
        int n = System.in.read(buf, 0, buf.length);
        System.out.println("PLATFORM " + (n < 0 ? "EOF" : new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim()));
        System.out.flush();
    }
}
