package com.rpavision.gpurm.simulator;

import com.rpavision.gpurm.core.ollama.ModelNames;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A model of Ollama 0.12's scheduler ({@code server/sched.go}), moving in the steps the real one takes, each at
 * its own simulated moment:
 * <ul>
 * <li>one queue, first in first out: the request at its head is placed before any other is looked at;</li>
 * <li>a model that does not fit (or one over {@code OLLAMA_MAX_LOADED_MODELS}) evicts another: the idle one with
 *     the shortest keep-alive leaves {@code /api/ps} at once, the scheduler waits for its VRAM to come back (the
 *     eviction gap, 0.5 to 1.5 s on real GPUs, when {@code /api/ps} lists neither) and only then starts the
 *     newcomer, which is listed from the moment its runner starts, while it loads;</li>
 * <li>a runner in use is never unloaded: an eviction or unload waits until its requests are done, so two clients
 *     that keep asking for models that do not fit together take turns evicting each other;</li>
 * <li>keep-alive: a request without one leaves a loaded model's timer alone, a load without one gets the server
 *     default (5 minutes), -1 is forever, 0 unloads; the timer runs from the end of the last request;</li>
 * <li>a request whose runner options ({@code num_ctx}...) differ from the loaded runner's reloads it: it leaves,
 *     and comes back at another size;</li>
 * <li>a model that does not fit whole, alone, is partly offloaded ({@code size_vram < size});</li>
 * <li>a restart forgets everything at once.</li>
 * </ul>
 * Thread-safe; requests that wait do so on this object's monitor through {@link SimulatorTime}.
 */
public final class OllamaScheduler {

    public static final int DEFAULT_NUM_CTX = 4096;
    public static final Duration SERVER_KEEP_ALIVE = Duration.ofMinutes(5);
    /** Extra VRAM per 1024 tokens of context above the default: the KV cache. */
    static final long MB_PER_1K_CTX = 64;
    /** Go's largest duration, which Ollama adds to now for keep_alive -1 (about 292 years). */
    static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);
    private static final Duration PS_WAIT_LIMIT = Duration.ofSeconds(10);

    /** What the scheduler did, for a journal of the simulation (tests order the manager's steps by it). */
    public enum Happening { LOAD_STARTED, LOAD_DONE, LOAD_ABORTED, EVICTED, RELOADED, UNLOADED, EXPIRED, RESTARTED }

    @FunctionalInterface
    public interface Journal {
        void record(Happening what, String model, String client);
    }

    private final SimulatorTime time;
    private final SimulatedVram vram;
    private final ModelCatalogue catalogue = new ModelCatalogue();
    private final Map<String, Runner> runners = new LinkedHashMap<>();
    private final Departures departures;
    private final Deque<Ticket> pending = new ArrayDeque<>();
    private final List<Ticket> running = new ArrayList<>();
    /** The head of the queue waits for an unload to finish ({@code unloadedCh} in sched.go). */
    private boolean awaitingUnload;
    private long nextPid = 48_211;
    private int psWaiting;

    private volatile Journal journal = (what, model, client) -> { };
    private volatile Duration loadTime = Duration.ofSeconds(3);
    private final Map<String, Duration> loadTimes = new LinkedHashMap<>();
    private volatile Duration promptTime = Duration.ZERO;
    private volatile int maxLoadedModels = 3;
    private volatile boolean evictForVram = true;
    private volatile boolean partialOffload = true;
    private volatile boolean psWaitsForLoads;
    private boolean holdLoads;
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger evictions = new AtomicInteger();

    public OllamaScheduler(SimulatorTime time, SimulatedVram vram) {
        this.time = time;
        this.vram = vram;
        this.departures = new Departures(vram);
    }

    // ---------------------------------------------------------------- settings

    /** A pulled model; its file is about 70 % of what it takes in VRAM (the weights without the KV cache). */
    public OllamaScheduler install(String model, long vramMb) {
        catalogue.install(model, ModelCatalogue.Model.ofVram(vramMb));
        return this;
    }

    public OllamaScheduler install(String model, long vramMb, long fileMb, String family) {
        catalogue.install(model, new ModelCatalogue.Model(vramMb, fileMb, family));
        return this;
    }

    /** A model the registry has, as {@link #install} sizes it: {@code /api/pull} installs it. */
    public OllamaScheduler pullable(String model, long vramMb) {
        catalogue.offer(model, ModelCatalogue.Model.ofVram(vramMb));
        return this;
    }

    /** The size of the file a pull downloads, or -1 when the registry has no such model. */
    public long pullableFileMb(String model) {
        return catalogue.pullableFileMb(model);
    }

    /** A pull done: the registry's model is installed. */
    public boolean completePull(String model) {
        return catalogue.completePull(model);
    }

    public OllamaScheduler journal(Journal journal) {
        this.journal = journal;
        return this;
    }

    public OllamaScheduler loadTime(Duration duration) {
        this.loadTime = duration;
        return this;
    }

    public synchronized OllamaScheduler loadTime(String model, Duration duration) {
        loadTimes.put(ModelNames.normalize(model), duration);
        return this;
    }

    /** How long the VRAM of a runner that left takes to come back: the eviction gap. */
    public OllamaScheduler evictionGap(Duration gap) {
        return evictionGap(() -> gap);
    }

    public OllamaScheduler evictionGap(Supplier<Duration> gaps) {
        departures.evictionGap(gaps);
        return this;
    }

    /**
     * How long a runner told to go stays listed with an expiry in the past ("Stopping..." in Ollama's CLI). The ones
     * stopping now stop by then too: a stuck runner that finally exits.
     */
    public synchronized OllamaScheduler stoppingFor(Duration duration) {
        departures.stoppingFor(duration, time.now());
        return this;
    }

    public OllamaScheduler promptTime(Duration duration) {
        this.promptTime = duration;
        return this;
    }

    /** {@code OLLAMA_MAX_LOADED_MODELS}: a load beyond it evicts another model. */
    public OllamaScheduler maxLoadedModels(int max) {
        this.maxLoadedModels = max;
        return this;
    }

    /** Evict another model when a load does not fit in the free VRAM (Ollama does); off: load it anyway. */
    public OllamaScheduler evictForVram(boolean on) {
        this.evictForVram = on;
        return this;
    }

    /** Put what does not fit in system memory (Ollama does); off: take the whole size, over-committing the GPU. */
    public OllamaScheduler partialOffload(boolean on) {
        this.partialOffload = on;
        return this;
    }

    /** Whether {@code /api/ps} waits for a loading runner, as Ollama versions that lock each runner for it do. */
    public OllamaScheduler psWaitsForLoads(boolean on) {
        this.psWaitsForLoads = on;
        return this;
    }

    // ---------------------------------------------------------------- what clients ask

    public boolean isInstalled(String model) {
        return catalogue.installed(model) != null;
    }

    /** Queues a request and returns at once; it moves on as time passes. */
    public synchronized Ticket submit(Ask ask) {
        String model = ModelNames.normalize(ask.model());
        if (catalogue.installed(model) == null) {
            throw new IllegalArgumentException("model \"" + ask.model() + "\" not found, try pulling it first");
        }
        advance();
        Ticket ticket = new Ticket(new Ask(model, ask.runnerOptions(), ask.keepAlive(), ask.prompt(), ask.client()), time.now());
        pending.addLast(ticket);
        processPending(time.now());
        notifyAll();
        return ticket;
    }

    /** Waits until the request is answered or failed (a restart, an aborted load). */
    public synchronized Ticket await(Ticket ticket) throws InterruptedException {
        while (true) {
            advance();
            if (ticket.finished()) {
                return ticket;
            }
            time.waitUntil(this, nextEvent());
        }
    }

    public Ticket call(Ask ask) throws InterruptedException {
        return await(submit(ask));
    }

    /** {@code keep_alive: 0}: the model is told to go now, and leaves once its requests are done. */
    public synchronized void unload(String model, String client) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        if (r != null) {
            journal.record(Happening.UNLOADED, r.model, client);
            expire(r, time.now());
        }
        notifyAll();
    }

    /** Sets up a model as if loaded before: ready now, no gap, no eviction. */
    public synchronized void preload(String model, Duration keepAlive) {
        String name = ModelNames.normalize(model);
        ModelCatalogue.Model m = catalogue.installed(name);
        if (m == null || runners.containsKey(name)) {
            return;
        }
        Instant now = time.now();
        Duration session = keepAlive == null ? Duration.ofSeconds(-1) : keepAlive;
        Runner r = new Runner(name, nextPid++, m.vramMb(), m.vramMb(), new Ask(name, Map.of(), null, false, "setup")
                .effectiveOptions(), "setup", now, session);
        r.ready = true;
        r.expiresAt = session.isNegative() ? now.plus(FOREVER) : now.plus(session);
        runners.put(name, r);
        vram.take(name, r.vramMb);
        notifyAll();
    }

    /** Ollama restarts: every runner exits at once, every waiting request fails, everything is forgotten. */
    public synchronized void restart() {
        for (Runner r : runners.values()) {
            vram.release(r.model);
        }
        departures.clear();
        runners.clear();
        pending.forEach(t -> t.failure = "Ollama restarted");
        running.forEach(t -> t.failure = "Ollama restarted");
        pending.clear();
        running.clear();
        awaitingUnload = false;
        restarts.incrementAndGet();
        journal.record(Happening.RESTARTED, "", "outside");
        notifyAll();
    }

    /** From now on a new runner waits for {@link #finishHeldLoads} before it is ready (or aborted). */
    public synchronized void holdLoads() {
        holdLoads = true;
    }

    /**
     * Ends the held loads. {@code land} false is what Ollama does with a load whose client went away before it
     * finished: the runner is stopped, its requests fail, the model is not in memory.
     */
    public synchronized void finishHeldLoads(boolean land) {
        holdLoads = false;
        Instant now = time.now();
        for (Runner r : List.copyOf(runners.values())) {
            if (r.readyAt == null) {
                if (land) {
                    r.readyAt = now;
                } else {
                    runners.remove(r.model);
                    vram.release(r.model);
                    running.removeIf(t -> {
                        boolean mine = t.runner == r;
                        if (mine) {
                            t.failure = "context canceled";
                        }
                        return mine;
                    });
                    journal.record(Happening.LOAD_ABORTED, r.model, r.startedBy);
                }
            }
        }
        processPending(now);
        notifyAll();
    }

    // ---------------------------------------------------------------- what clients see

    /** {@code /api/ps}: longest time left first, as Ollama sorts it. Waits for loads when set to. */
    public synchronized List<Listed> listing() throws InterruptedException {
        advance();
        if (psWaitsForLoads) {
            Instant giveUp = time.now().plus(PS_WAIT_LIMIT);
            long realGiveUp = System.nanoTime() + PS_WAIT_LIMIT.toNanos();
            psWaiting++;
            try {
                while (runners.values().stream().anyMatch(r -> !r.ready) && time.now().isBefore(giveUp)
                        && System.nanoTime() < realGiveUp) {
                    time.waitUntil(this, nextEvent());
                    advance();
                }
            } finally {
                psWaiting--;
            }
        }
        List<Listed> list = new ArrayList<>();
        runners.values().forEach(r -> list.add(listed(r, !r.ready)));
        departures.stopping().forEach(r -> list.add(listed(r, false)));
        list.sort(Comparator.comparing((Listed l) -> l.expiresAt() == null ? Instant.MIN : l.expiresAt()).reversed());
        return list;
    }

    private static Listed listed(Runner r, boolean loading) {
        return new Listed(r.model, r.sizeMb, r.vramMb, r.numCtx(), r.expiresAt, loading);
    }

    /** The pulled models with their file sizes in MB. */
    public Map<String, Long> installedFileMb() {
        return catalogue.installedFileMb();
    }

    public Optional<String> family(String model) {
        return catalogue.family(model);
    }

    /** Listed and ready, not on its way out: what a truthful manager calls "loaded". */
    public synchronized boolean isServing(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r != null && r.ready && !r.expiring;
    }

    /** In memory in any way: ready, loading, or still stopping. */
    public synchronized boolean isResident(String model) {
        advance();
        String name = ModelNames.normalize(model);
        return runners.containsKey(name) || departures.isStopping(name);
    }

    public synchronized boolean isKeptForever(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r != null && r.keptForever();
    }

    /** When a ready model's timer unloads it (null: not loaded, loading, or kept forever). */
    public synchronized Instant expiresAt(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r == null || r.keptForever() ? null : r.expiresAt;
    }

    public synchronized long vramMbOf(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r == null ? 0 : r.vramMb;
    }

    public synchronized boolean isPartlyOnCpu(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r != null && r.vramMb < r.sizeMb;
    }

    public synchronized long sizeMbOf(String model) {
        advance();
        Runner r = runners.get(ModelNames.normalize(model));
        return r == null ? 0 : r.sizeMb;
    }

    public synchronized List<String> residentModels() {
        advance();
        return List.copyOf(runners.keySet());
    }

    /** Runners started and not ready yet. */
    public synchronized int loadsUnderWay() {
        advance();
        return (int) runners.values().stream().filter(r -> !r.ready).count();
    }

    public synchronized int psWaiting() {
        return psWaiting;
    }

    public int restarts() {
        return restarts.get();
    }

    public int evictions() {
        return evictions.get();
    }

    /** Moves the simulation up to now; the GPU a test or the demo reads calls it first. */
    public synchronized void advance() {
        Instant now = time.now();
        for (int guard = 0; guard < 10_000; guard++) {
            Instant at = nextEvent();
            if (at == null || at.isAfter(now)) {
                break;
            }
            apply(at);
            processPending(at);
        }
        processPending(now);
        notifyAll();
    }

    // ---------------------------------------------------------------- the steps

    private void processPending(Instant t) {
        while (!pending.isEmpty() && !awaitingUnload) {
            Ticket head = pending.peekFirst();
            Ask ask = head.ask;
            Runner r = runners.get(ask.model());
            if (r != null) {
                if (r.expiring) {
                    awaitingUnload = true; // it must be gone before it can be loaded again
                    return;
                }
                if (!r.options.equals(ask.effectiveOptions())) {
                    journal.record(Happening.RELOADED, r.model, ask.client());
                    expire(r, t);
                    awaitingUnload = true;
                    return;
                }
                attach(head, r, t);
                pending.removeFirst();
                continue;
            }
            if (departures.holds(ask.model())) {
                awaitingUnload = true;
                return;
            }
            ModelCatalogue.Model m = catalogue.installed(ask.model());
            long size = m.vramMb() + Math.max(0, ask.numCtx() - DEFAULT_NUM_CTX) / 1024 * MB_PER_1K_CTX;
            if (runners.size() >= maxLoadedModels) {
                evictOne(t, ask.client());
                return;
            }
            boolean fits = vram.freeMb() >= size;
            if (!fits && !runners.isEmpty() && evictForVram) {
                evictOne(t, ask.client());
                return;
            }
            long onGpu = fits || !partialOffload ? size : Math.max(0, Math.min(size, vram.freeMb()));
            start(head, size, onGpu, t);
            pending.removeFirst();
        }
    }

    /** sched.go's findRunnerToUnload: shortest keep-alive first (forever last), an idle one if there is. */
    private void evictOne(Instant t, String forClient) {
        List<Runner> candidates = runners.values().stream().filter(r -> !r.expiring)
                .sorted(Comparator.comparing((Runner r) -> r.session.isNegative() ? FOREVER : r.session)
                        .thenComparing(r -> r.model)).toList();
        if (candidates.isEmpty()) {
            awaitingUnload = true; // the ones going will free the room
            return;
        }
        Runner victim = candidates.stream().filter(r -> r.refCount == 0).findFirst().orElse(candidates.get(0));
        evictions.incrementAndGet();
        journal.record(Happening.EVICTED, victim.model, forClient);
        expire(victim, t);
        awaitingUnload = true;
    }

    private void start(Ticket ticket, long sizeMb, long onGpuMb, Instant t) {
        Ask ask = ticket.ask;
        Duration load = loadTimes.getOrDefault(ask.model(), loadTime);
        Duration session = ask.keepAlive() != null ? ask.keepAlive() : SERVER_KEEP_ALIVE;
        Runner r = new Runner(ask.model(), nextPid++, sizeMb, onGpuMb, ask.effectiveOptions(), ask.client(),
                holdLoads ? null : t.plus(load), session);
        runners.put(r.model, r);
        vram.take(r.model, onGpuMb);
        ticket.cold = true;
        journal.record(Happening.LOAD_STARTED, r.model, ask.client());
        attach(ticket, r, t);
    }

    private void attach(Ticket ticket, Runner r, Instant t) {
        r.refCount++;
        ticket.runner = r;
        ticket.attached = t;
        if (ticket.ask.keepAlive() != null) {
            r.session = ticket.ask.keepAlive();
        }
        running.add(ticket);
    }

    /** Told to go: it leaves the list now if idle, else once its requests are done. */
    private void expire(Runner r, Instant t) {
        r.expiring = true;
        r.expiresAt = t;
        if (r.refCount <= 0) {
            remove(r, t);
        }
    }

    private void remove(Runner r, Instant t) {
        runners.remove(r.model);
        departures.depart(r, t);
    }

    private void finish(Ticket ticket, Instant at) {
        running.remove(ticket);
        ticket.doneAt = at;
        Runner r = ticket.runner;
        r.refCount--;
        if (r.refCount > 0) {
            return;
        }
        if (r.expiring || r.session.isZero()) {
            r.expiring = true;
            r.expiresAt = at;
            remove(r, at);
        } else {
            r.expiresAt = r.keptForever() ? at.plus(FOREVER) : at.plus(r.session);
        }
    }

    private Duration work(Ticket ticket) {
        return ticket.ask.prompt() ? promptTime : Duration.ZERO;
    }

    /** The earliest moment something is due, or null when nothing is scheduled. */
    private Instant nextEvent() {
        Instant next = departures.nextEvent();
        for (Runner r : runners.values()) {
            if (!r.ready && r.readyAt != null) {
                next = earlier(next, r.readyAt);
            }
            if (idleWithTimer(r)) {
                next = earlier(next, r.expiresAt);
            }
        }
        for (Ticket t : running) {
            if (t.runner.ready) {
                next = earlier(next, t.doneAtOnceReady(work(t)));
            }
        }
        return next;
    }

    private static boolean idleWithTimer(Runner r) {
        return r.ready && r.refCount == 0 && !r.expiring && !r.keptForever() && r.expiresAt != null;
    }

    /** Applies every step due at {@code at}, in the order Ollama would take them at one moment. */
    private void apply(Instant at) {
        if (departures.apply(at)) {
            awaitingUnload = false; // unloadedCh: the head of the queue looks again
        }
        for (Runner r : List.copyOf(runners.values())) {
            if (!r.ready && r.readyAt != null && !r.readyAt.isAfter(at)) {
                r.ready = true;
                journal.record(Happening.LOAD_DONE, r.model, r.startedBy);
            }
        }
        for (Ticket t : List.copyOf(running)) {
            if (t.runner.ready && !t.doneAtOnceReady(work(t)).isAfter(at)) {
                finish(t, t.doneAtOnceReady(work(t)));
            }
        }
        for (Runner r : List.copyOf(runners.values())) {
            if (idleWithTimer(r) && !r.expiresAt.isAfter(at)) {
                journal.record(Happening.EXPIRED, r.model, "");
                expire(r, r.expiresAt);
            }
        }
    }

    static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
