package com.rpavision.gpurm.simulator;

import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator moves as Ollama 0.12's scheduler does, step by step, each at its moment. */
class OllamaSchedulerTest {

    private static final String VLM = "qwen3-vl:8b";
    private static final String OTHER = "llama3.1:8b";
    private static final Duration GAP = Duration.ofMillis(800);
    private static final Duration LOAD = Duration.ofSeconds(3);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    private final SimulatedVram vram = SimulatedVram.budget(14_000);
    private final OllamaScheduler ollama = new OllamaScheduler(SimulatorTime.jumping(clock, clock::advance), vram)
            .install(VLM, 10_500).install(OTHER, 4_900).loadTime(LOAD).evictionGap(GAP);

    @Test
    void anEvictionListsNeitherModelDuringTheGapThenTheNewcomerWhileItLoads() throws Exception {
        ollama.preload(VLM, null);

        Ticket other = ollama.submit(Ask.prompt(OTHER, Duration.ofMinutes(5)));

        assertThat(names()).as("the VLM leaves /api/ps at once").isEmpty();
        assertThat(vram.freeMb()).as("its VRAM is not back yet").isEqualTo(3_500);
        clock.advance(GAP.minusMillis(1));
        assertThat(names()).as("still in the gap").isEmpty();
        clock.advance(Duration.ofMillis(1));
        List<Listed> listed = ollama.listing();
        assertThat(listed).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo(OTHER);
            assertThat(m.loading()).isTrue();
            assertThat(m.vramMb()).as("size_vram set while it loads").isEqualTo(4_900);
            assertThat(m.expiresAt()).as("Ollama's zero time until its first request is done").isNull();
        });
        assertThat(other.finished()).isFalse();
        clock.advance(LOAD);
        assertThat(ollama.listing()).singleElement().satisfies(m -> assertThat(m.loading()).isFalse());
        assertThat(other.finished()).isTrue();
        assertThat(ollama.evictions()).isEqualTo(1);
    }

    @Test
    void loadsAreFirstInFirstOutSoTwoClientsTakeTurnsEvictingEachOther() throws Exception {
        ollama.preload(VLM, null);
        ollama.submit(Ask.prompt(OTHER, Duration.ofMinutes(5)));
        clock.advance(Duration.ofMillis(300)); // in the gap

        Ticket vlmLoad = ollama.submit(Ask.load(VLM, Duration.ofSeconds(-1)));

        clock.advance(GAP);
        assertThat(names()).as("the queued VLM load waits behind the newcomer").containsExactly(OTHER);
        Ticket done = ollama.await(vlmLoad);
        assertThat(done.failure()).isNull();
        assertThat(names()).as("once the newcomer answered, it is evicted for the VLM").containsExactly(VLM);
        assertThat(ollama.evictions()).isEqualTo(2);
        assertThat(done.loadDuration()).isEqualTo(LOAD);
    }

    @Test
    void aRunnerInUseIsUnloadedOnlyOnceItsRequestIsDoneAndShowsAsStoppingMeanwhile() throws Exception {
        ollama.promptTime(Duration.ofSeconds(2)).preload(VLM, null);
        Ticket prompt = ollama.submit(Ask.prompt(VLM, null));

        ollama.unload(VLM, "outside");

        assertThat(ollama.listing()).singleElement().satisfies(m ->
                assertThat(m.expiresAt()).as("an expiry in the past: Stopping...").isBeforeOrEqualTo(clock.instant()));
        clock.advance(Duration.ofSeconds(2));
        assertThat(names()).isEmpty();
        assertThat(prompt.finished()).isTrue();
    }

    @Test
    void keepAliveFollowsOllamasRules() throws Exception {
        ollama.call(Ask.load(VLM, null));
        assertThat(expiry(VLM)).as("a load without keep_alive gets the server default")
                .isEqualTo(clock.instant().plus(OllamaScheduler.SERVER_KEEP_ALIVE));

        clock.advance(Duration.ofMinutes(1));
        ollama.call(Ask.prompt(VLM, null));
        assertThat(expiry(VLM)).as("a request without keep_alive leaves the timer's length, counted from its end")
                .isEqualTo(clock.instant().plus(OllamaScheduler.SERVER_KEEP_ALIVE));

        ollama.call(Ask.load(VLM, Duration.ofSeconds(-1)));
        assertThat(expiry(VLM).atOffset(java.time.ZoneOffset.UTC).getYear()).as("forever, as Ollama prints it").isGreaterThan(2300);
        assertThat(ollama.isKeptForever(VLM)).isTrue();

        ollama.call(Ask.load(VLM, Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(30));
        assertThat(names()).as("the keep-alive another client set ran out").isEmpty();
    }

    @Test
    void otherRunnerOptionsReloadTheModelAtAnotherSizeAfterAGap() throws Exception {
        ollama.call(Ask.load(VLM, Duration.ofSeconds(-1)));
        long before = ollama.sizeMbOf(VLM);

        Ticket reload = ollama.submit(Ask.prompt(VLM, null).withOptions(Map.of("num_ctx", 16_384)));

        assertThat(names()).as("stopped first").isEmpty();
        clock.advance(GAP);
        assertThat(ollama.listing()).singleElement().satisfies(m -> assertThat(m.loading()).isTrue());
        ollama.await(reload);
        assertThat(ollama.sizeMbOf(VLM)).isEqualTo(before + 12 * 64);
        assertThat(ollama.isKeptForever(VLM)).as("the new runner got the server default").isFalse();
    }

    @Test
    void aModelThatDoesNotFitAloneIsPartlyOffloaded() throws Exception {
        vram.take("blender", 6_000);

        ollama.call(Ask.load(VLM, null));

        assertThat(ollama.listing()).singleElement().satisfies(m -> assertThat(m.vramMb()).isEqualTo(8_000).isLessThan(m.sizeMb()));
    }

    @Test
    void aRestartForgetsEverythingAndFailsWhatWaits() {
        ollama.preload(OTHER, null);
        Ticket load = ollama.submit(Ask.load(VLM, null));

        ollama.restart();

        assertThat(load.failure()).isEqualTo("Ollama restarted");
        assertThat(ollama.residentModels()).isEmpty();
        assertThat(vram.freeMb()).isEqualTo(14_000);
        assertThat(ollama.restarts()).isEqualTo(1);
    }

    private List<String> names() throws InterruptedException {
        return ollama.listing().stream().map(Listed::name).toList();
    }

    private Instant expiry(String model) throws InterruptedException {
        return ollama.listing().stream().filter(m -> m.name().equals(model)).findFirst().orElseThrow().expiresAt();
    }
}
