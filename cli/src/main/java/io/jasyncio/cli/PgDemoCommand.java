package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.pg.LocalCluster;
import io.jasyncio.examples.pg.PgDemo;
import io.jasyncio.pg.ConnectOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pg-demo}: jasyncio's PostgreSQL driver for real ({@link PgDemo}), against a server or a throwaway local one. */
@Command(name = "pg-demo", mixinStandardHelpOptions = true,
        description = "PostgreSQL through jasyncio's driver: a pool, binary COPY, a transaction that commits and one "
                + "that rolls back, LISTEN/NOTIFY from a trigger, 1,000 pipelined queries on one connection, a cursor. "
                + "Creates and drops its own table (demo_accounts).")
public final class PgDemoCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--dsn", description = "Server to use, e.g. postgresql://user:password@localhost/db "
                + "(or key=value form; PG* environment variables fill gaps).")
        String dsn;

        @Option(names = "--local", description = "Start a throwaway PostgreSQL 15 cluster (initdb, a free port), "
                + "run against it, then stop and delete it. Needs Debian's postgresql-15.")
        boolean local;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--accounts", defaultValue = "10000", description = "Accounts to COPY in (10 to 10,000,000). "
            + "Default ${DEFAULT-VALUE}.")
    int accounts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Check.count(spec, "--accounts", accounts, 10, 10_000_000);
        if (target.dsn != null) {
            try {
                ConnectOptions.parse(target.dsn);
            } catch (IllegalArgumentException e) {
                throw Check.fail(spec, "--dsn: " + e.getMessage());
            }
        }
        Asyncio.run(() -> {
            if (!target.local) return PgDemo.run(target.dsn, accounts, System.out);
            System.out.println("starting a throwaway PostgreSQL cluster ...");
            try (LocalCluster pg = LocalCluster.start()) {
                return PgDemo.run(pg.dsn(), accounts, System.out);
            } finally {
                System.out.println("throwaway cluster stopped and deleted");
            }
        });
        return 0;
    }
}
