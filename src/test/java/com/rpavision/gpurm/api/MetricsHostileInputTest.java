package com.rpavision.gpurm.api;

import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The hostile table on the metrics listener, with a bearer token file as a fleet would set it; its backend is the scrape. */
class MetricsHostileInputTest extends HostileInputContract {

    private static final String TOKEN = "6f1c0a4e9b2d7f3a8c5e1b0d4a7f2c9e";

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private ManagerFixture f;
    private ManagerMetrics metrics;
    private MetricsServer server;
    private final AtomicInteger scrapes = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.create();
        metrics = new ManagerMetrics(f.manager, () -> {
            scrapes.incrementAndGet(); // read once per scrape
            return 0;
        }, () -> 0);
        Path tokenFile = Files.writeString(dir.resolve("metrics.token"), TOKEN + "\n");
        server = new MetricsServer(metrics, new InetSocketAddress("127.0.0.1", 0), ApiToken.fromFile(tokenFile), LIMITS);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
        f.close();
    }

    @Override
    int port() {
        return server.port();
    }

    @Override
    String legitPath() {
        return "/metrics";
    }

    @Override
    String postPath() {
        return "/metrics";
    }

    @Override
    Optional<String> token() {
        return Optional.of(TOKEN);
    }

    @Override
    int openConnections() {
        return server.openConnections();
    }

    @Override
    void assertNothingReachedTheBackend() {
        assertThat(scrapes.get()).as("scrapes run").isZero();
    }
}
