package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SingleInstanceTest {

    @TempDir
    Path dir;

    @Test
    void aSecondLaunchKnocksOnTheFirstInsteadOfStartingAnotherManager() throws Exception {
        AtomicInteger knocks = new AtomicInteger();
        Optional<SingleInstance> first = SingleInstance.claim(dir, "instance", knocks::incrementAndGet);
        assertThat(first).isPresent();
        try (SingleInstance running = first.get()) {
            Optional<SingleInstance> second = SingleInstance.claim(dir, "instance", () -> { });

            assertThat(second).isEmpty();
            await().until(() -> knocks.get() == 1);
            assertThat(SingleInstance.claim(dir, "instance-demo", () -> { })).as("the demo may run beside it")
                    .hasValueSatisfying(SingleInstance::close);
        }
        assertThat(SingleInstance.claim(dir, "instance", () -> { })).as("free again once closed")
                .hasValueSatisfying(SingleInstance::close);
    }

    @Test
    void aKnockWithoutTheSecretIsIgnoredAndTheSecretIsPrivate() throws Exception {
        AtomicInteger knocks = new AtomicInteger();
        try (SingleInstance running = SingleInstance.claim(dir, "instance", knocks::incrementAndGet).orElseThrow()) {
            Path info = dir.resolve("instance.port");
            int port = Integer.parseInt(Files.readString(info).split(" ")[0]);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = socket.getOutputStream();
                out.write("show\n".getBytes(StandardCharsets.US_ASCII));
            }
            Thread.sleep(300);
            assertThat(knocks.get()).isZero();
            com.rpavision.gpurm.testing.OwnerOnly.assertReadableByTheOwnerOnly(info);
        }
    }
}
