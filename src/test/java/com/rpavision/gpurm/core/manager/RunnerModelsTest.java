package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class RunnerModelsTest {

    private static GpuProcess process(long pid, String name, long mb) {
        return new GpuProcess(0, pid, name, OptionalLong.of(mb));
    }

    private static GpuProcess unknownMemory(long pid, String name) {
        return new GpuProcess(0, pid, name, OptionalLong.empty());
    }

    private static final ModelUse VLM = new ModelUse("qwen3-vl:8b", 10_500);
    private static final ModelUse LLAMA = new ModelUse("llama3.2:3b", 2_600);

    @Test
    void aRunnerGetsTheModelWhoseSizeIsClosestToItsMemory() {
        List<GpuProcess> processes = List.of(process(1207, "Xorg", 900), process(48211, "ollama", 10_780));
        assertThat(RunnerModels.match(processes, List.of(VLM))).isEqualTo(Map.of(48211L, "qwen3-vl:8b"));
    }

    @Test
    void twoRunnersAndTwoModelsPairUpWhateverTheOrderOfEither() {
        List<GpuProcess> processes = List.of(process(100, "ollama", 2_750), process(200, "ollama", 10_300));
        List<GpuProcess> reversed = List.of(processes.get(1), processes.get(0));
        Map<Long, String> expected = Map.of(100L, "llama3.2:3b", 200L, "qwen3-vl:8b");
        assertThat(RunnerModels.match(processes, List.of(VLM, LLAMA))).isEqualTo(expected);
        assertThat(RunnerModels.match(reversed, List.of(LLAMA, VLM))).isEqualTo(expected);
        assertThat(RunnerModels.match(reversed, List.of(VLM, LLAMA))).isEqualTo(expected);
    }

    @Test
    void everyNameOllamaHasGivenItsRunnersIsRecognisedAndNoOther() {
        assertThat(List.of("ollama", "ollama_llama_server", "ollama.exe", "OLLAMA_LLAMA_SERVER.EXE",
                "/usr/local/bin/ollama", "/tmp/ollama123/runners/cuda_v12/ollama_llama_server",
                "C:\\Program Files\\Ollama\\ollama.exe")).allMatch(RunnerModels::isRunner);
        assertThat(List.of("Xorg", "java", "ollama-app", "python3", "pid 42", "ollama (CLIP)", "llama-server"))
                .noneMatch(RunnerModels::isRunner);
    }

    @Test
    void onlyRunnersAreMatchedEvenWhenAnotherProgramHasTheSameMemory() {
        List<GpuProcess> processes = List.of(process(1, "blender", 10_500), process(2, "ollama_llama_server.exe", 9_800));
        assertThat(RunnerModels.match(processes, List.of(VLM))).isEqualTo(Map.of(2L, "qwen3-vl:8b"));
    }

    @Test
    void theOllamaServerWithItsSmallFootprintStaysUnmatched() {
        List<GpuProcess> processes = List.of(process(900, "ollama", 310), process(901, "ollama", 10_600));
        assertThat(RunnerModels.match(processes, List.of(VLM))).isEqualTo(Map.of(901L, "qwen3-vl:8b"));
    }

    @Test
    void aRunnerFarFromEveryModelsSizeStaysUnmatched() {
        long tolerance = RunnerModels.toleranceMb(VLM.vramMb());
        assertThat(tolerance).isEqualTo(1_050);
        assertThat(RunnerModels.toleranceMb(1_000)).as("small models: at least 256 MB").isEqualTo(256);
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 10_500 + tolerance)), List.of(VLM))).hasSize(1);
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 10_500 + tolerance + 1)), List.of(VLM))).isEmpty();
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 310)), List.of(LLAMA))).as("the server alone").isEmpty();
    }

    @Test
    void oneModelPerRunnerTheOtherModelStaysUnmatched() {
        ModelUse twin = new ModelUse("qwen3:8b", 10_200);
        List<GpuProcess> processes = List.of(process(1, "ollama", 10_450));
        assertThat(RunnerModels.match(processes, List.of(twin, VLM))).isEqualTo(Map.of(1L, "qwen3-vl:8b"));
    }

    @Test
    void equallyCloseChoicesAreNotGuessed() {
        ModelUse a = new ModelUse("a", 5_000);
        ModelUse b = new ModelUse("b", 5_200);
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 5_100)), List.of(a, b)))
                .as("one runner between two models").isEmpty();
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 4_900), process(2, "ollama", 5_100)), List.of(a)))
                .as("one model between two runners").isEmpty();
        ModelUse same = new ModelUse("c", 5_000);
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 5_000), process(2, "ollama", 5_000)), List.of(a, same)))
                .as("two models of one size on two runners of one size").isEmpty();
    }

    @Test
    void aTieElsewhereDoesNotStopAClearPairing() {
        ModelUse a = new ModelUse("a", 5_000);
        ModelUse b = new ModelUse("b", 5_200);
        List<GpuProcess> processes = List.of(process(1, "ollama", 5_100), process(2, "ollama", 10_500));
        assertThat(RunnerModels.match(processes, List.of(a, b, VLM))).isEqualTo(Map.of(2L, "qwen3-vl:8b"));
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 5_000), process(2, "ollama", 5_200)), List.of(a, b)))
                .as("a closer pairing settles the runner first").isEqualTo(Map.of(1L, "a", 2L, "b"));
    }

    @Test
    void withoutPerProcessMemoryOnlyTheObviousCaseIsMatched() {
        assertThat(RunnerModels.match(List.of(unknownMemory(7, "ollama.exe")), List.of(VLM)))
                .isEqualTo(Map.of(7L, "qwen3-vl:8b"));
        assertThat(RunnerModels.match(List.of(unknownMemory(7, "ollama.exe"), unknownMemory(8, "ollama.exe")), List.of(VLM)))
                .as("server and runner, or two runners: which one?").isEmpty();
        assertThat(RunnerModels.match(List.of(unknownMemory(7, "ollama.exe")), List.of(VLM, LLAMA))).isEmpty();
        assertThat(RunnerModels.match(List.of(unknownMemory(7, "ollama.exe"), process(8, "ollama.exe", 2_650)),
                List.of(VLM, LLAMA))).as("the known one still matches").isEqualTo(Map.of(8L, "llama3.2:3b"));
    }

    @Test
    void noRunnerOrNoModelOnTheGpuMatchesNothing() {
        assertThat(RunnerModels.match(List.of(process(1, "Xorg", 900)), List.of(VLM))).isEmpty();
        assertThat(RunnerModels.match(List.of(), List.of(VLM))).isEmpty();
        assertThat(RunnerModels.match(List.of(process(1, "ollama", 10_500)), List.of())).isEmpty();
        assertThat(RunnerModels.match(List.of(unknownMemory(1, "ollama")), List.of(new ModelUse("on-cpu", 0))))
                .as("a model all in system memory has no GPU process").isEmpty();
    }

    @Test
    void aModelSplitOverTwoGpusMatchesItsRunnersMemoryOnBoth() {
        List<GpuProcess> processes = List.of(new GpuProcess(0, 5, "ollama", OptionalLong.of(5_300)),
                new GpuProcess(1, 5, "ollama", OptionalLong.of(5_250)), process(6, "ollama", 2_600));
        assertThat(RunnerModels.match(processes, List.of(VLM, LLAMA))).isEqualTo(Map.of(5L, "qwen3-vl:8b", 6L, "llama3.2:3b"));
        assertThat(RunnerModels.label(processes, List.of(VLM, LLAMA))).extracting(GpuProcess::model)
                .containsExactly("qwen3-vl:8b", "qwen3-vl:8b", "llama3.2:3b");
    }

    @Test
    void labellingLeavesOtherProcessesAsTheyAre() {
        List<GpuProcess> processes = List.of(process(1207, "Xorg", 900), process(48211, "ollama", 10_600));
        assertThat(RunnerModels.label(processes, List.of(VLM)))
                .containsExactly(process(1207, "Xorg", 900), process(48211, "ollama", 10_600).withModel("qwen3-vl:8b"));
    }
}
