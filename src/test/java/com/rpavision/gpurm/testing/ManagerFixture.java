package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.manager.DefaultGpuResourceManager;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import mockwebserver3.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A manager wired to the fakes over real HTTP: a {@link FakeOllama} behind a MockWebServer, a {@link FakeGpu}
 * and a {@link FakeClip} sharing one VRAM budget, and a {@link MutableClock}.
 */
public final class ManagerFixture implements AutoCloseable {

    /** With the VLM (10.5 GB) and 600 MB of other use, 300 MB is left: CLIP and the VLM never fit together. */
    public static final long DEFAULT_TOTAL_MB = 11_400;
    public static final long DEFAULT_BASE_MB = 600;

    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
    public final ConcurrencyRecorder operations = new ConcurrencyRecorder();
    public final List<String> timeline = Collections.synchronizedList(new java.util.ArrayList<>());
    public final FakeGpu gpu;
    public final FakeOllama ollama;
    public final FakeClip clip;
    /** The simulated Ollama's server; a new one on the same port after {@link #restartOllama()}. */
    public volatile MockWebServer server = new MockWebServer();
    public final GpuResourceConfig config;
    public final VramMonitor vram;
    public final DefaultGpuResourceManager manager;
    public final List<ResourceChangedEvent> events = new CopyOnWriteArrayList<>();

    private ManagerFixture(Options options) {
        gpu = new FakeGpu(options.totalMb, options.baseMb);
        ollama = new FakeOllama(gpu, clock, operations, timeline);
        clip = new FakeClip(gpu, operations, timeline);
        server.setDispatcher(ollama);
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // An hour's lease: a test that jumps the clock minutes at a time stands for a manager that ran meanwhile
        // (renewing every minute), not for one that died; VlmLeaseTest sets the shipped lease.
        config = options.config.apply(GpuResourceConfig.builder().vlmLeaseSeconds(3_600)
                .ollamaEndpoint(server.url("/").toString())).build();
        Sleeper sleeper = options.sleeper != null ? options.sleeper
                : options.advanceClockWhenSleeping ? clock::advance : duration -> { };
        vram = new VramMonitor(options.probe.apply(gpu, clock), 0, config.vramChangeThresholdMb(), clock);
        var builder = DefaultGpuResourceManager.builder(config)
                .ollama(new OllamaClient(config.ollamaEndpoint(), options.httpTimeout, options.httpTimeout))
                .clip(clip).vramMonitor(vram).clock(clock).sleeper(sleeper).modelSizes(options.modelSizes);
        if (options.storage != null) {
            builder.storage(options.storage);
        }
        manager = options.builder.apply(builder).build();
        manager.onResourceChanged(events::add);
    }

    public static Options options() {
        return new Options();
    }

    public static ManagerFixture create() {
        return new Options().build();
    }

    /** Runs a mode switch to completion. */
    public void switchTo(ExecutionMode mode) {
        manager.setExecutionMode(mode).join();
    }

    public void advanceAndTick(Duration duration) {
        clock.advance(duration);
        manager.tick().join();
    }

    /**
     * Ollama's process exits and starts again on the same port, faster than one watch interval: every connection
     * to it is closed, every model forgotten.
     */
    public void restartOllama() {
        int port = server.getPort();
        server.close();
        ollama.restart();
        for (int attempt = 1; ; attempt++) {
            MockWebServer again = new MockWebServer();
            again.setDispatcher(ollama);
            again.setServerSocketFactory(new NoDelayServerSocketFactory());
            try {
                again.start(InetAddress.getLoopbackAddress(), port);
                server = again;
                return;
            } catch (IOException e) {
                if (attempt == 50) {
                    throw new UncheckedIOException(e);
                }
                sleepQuietly(20); // the old server lets go of the port on its own thread
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Time passes as the running manager sees it: the watcher looks every watch interval, or every 150 ms while the
     * manager waits for Ollama to settle, and the maintenance round runs every second. Stops as soon as
     * {@code done} holds (checked after every look), or when {@code atMost} of test time has passed.
     *
     * @return the test time that passed
     */
    public Duration watch(Duration atMost, java.util.function.BooleanSupplier done) {
        Instant start = clock.instant();
        Instant nextTick = start.plusSeconds(1);
        while (!done.getAsBoolean() && Duration.between(start, clock.instant()).compareTo(atMost) < 0) {
            boolean settling = manager.activeConditions().contains(com.rpavision.gpurm.core.model.Condition.VLM_SETTLING);
            clock.advance(settling ? Duration.ofMillis(150) : config.ollamaWatchInterval());
            manager.observeOllama().join();
            if (!clock.instant().isBefore(nextTick)) {
                manager.tick().join();
                nextTick = clock.instant().plusSeconds(1);
            }
        }
        return Duration.between(start, clock.instant());
    }

    public long count(EventType type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    @Override
    public void close() {
        manager.shutdown();
        server.close();
    }

    public static final class Options {
        private long totalMb = DEFAULT_TOTAL_MB;
        private long baseMb = DEFAULT_BASE_MB;
        private boolean advanceClockWhenSleeping = true;
        private Sleeper sleeper;
        private Duration httpTimeout = Duration.ofSeconds(5);
        private UnaryOperator<GpuResourceConfig.Builder> config = b -> b;
        private com.rpavision.gpurm.core.manager.ModelSizes modelSizes = com.rpavision.gpurm.core.manager.ModelSizes.inMemory();

        /** Where the manager remembers what each model took (a file, to test a restart). */
        private com.rpavision.gpurm.core.storage.StorageHealth storage;

        /** The storage health the manager hears (its own one by default). */
        public Options storage(com.rpavision.gpurm.core.storage.StorageHealth storage) {
            this.storage = storage;
            return this;
        }

        private UnaryOperator<com.rpavision.gpurm.core.manager.ManagerBuilder> builder = b -> b;

        /** Anything more the manager is built with (a test in the manager's package: its package-private hooks). */
        public Options builder(UnaryOperator<com.rpavision.gpurm.core.manager.ManagerBuilder> more) {
            this.builder = more;
            return this;
        }

        private java.util.function.BiFunction<FakeGpu, MutableClock, com.rpavision.gpurm.core.gpu.GpuProbe> probe = (gpu, clock) -> gpu;

        /**
         * What the manager reads the GPU through, given the {@link FakeGpu} the fakes share and the test clock: a station without a GPU,
         * or one whose load and sensors move as a real card's do.
         */
        public Options probe(java.util.function.BiFunction<FakeGpu, MutableClock, com.rpavision.gpurm.core.gpu.GpuProbe> probe) {
            this.probe = probe;
            return this;
        }

        public Options modelSizes(com.rpavision.gpurm.core.manager.ModelSizes sizes) {
            this.modelSizes = sizes;
            return this;
        }

        public Options gpu(long totalMb, long baseMb) {
            this.totalMb = totalMb;
            this.baseMb = baseMb;
            return this;
        }

        /** The manager's waits go to this (a test that acts while the manager waits to retry). */
        public Options sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** By default a sleep moves the fake clock; without, waits take no time at all. */
        public Options sleepsTakeNoTime() {
            this.advanceClockWhenSleeping = false;
            return this;
        }

        public Options httpTimeout(Duration timeout) {
            this.httpTimeout = timeout;
            return this;
        }

        public Options config(UnaryOperator<GpuResourceConfig.Builder> config) {
            this.config = config;
            return this;
        }

        public ManagerFixture build() {
            return new ManagerFixture(this);
        }
    }
}
