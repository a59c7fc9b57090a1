#!/usr/bin/env python3
"""Breaks each of the design's 13 properties in the source, one at a time, and checks that the test named
after that property fails. Restores every file afterwards. Run from the repository root:

    python3 tools/property-mutations.py            # all 13, about 4 minutes on 2 cores
    python3 tools/property-mutations.py 6 11       # only some
"""
import pathlib
import re
import subprocess
import sys

M = "src/main/java/com/rpavision/gpurm/core/manager/"
MUTATIONS = {
    1: (M + "DefaultGpuResourceManager.java", 'vlm.unload("autopilot");', '/* mutated: no unload */',
        "AUTOPILOT no longer unloads the VLM"),
    2: (M + "DefaultGpuResourceManager.java", 'loadVlm("recording");', '/* mutated: no load */',
        "RECORDING no longer loads the VLM"),
    3: (M + "DefaultGpuResourceManager.java", "if (clip.device() == ClipDevice.CUDA || !clip.gpuMoveConceivable()",
        "if (true || clip.device() == ClipDevice.CUDA || !clip.gpuMoveConceivable()",
        "CLIP never moves to the GPU in AUTOPILOT"),
    4: (M + "VlmController.java", "if (freed >= expectedMb * VRAM_BACK_SHARE || clock.instant().isAfter(deadline))",
        "if (true)", "an unload no longer waits for NVML to show the memory back"),
    5: (M + "StatusAssembler.java", 'String degradedText = degraded.isEmpty() ? null\n'
        '                : String.join(" ", degraded.stream().map(Reason::text).toList());', "String degradedText = null;",
        "a degraded status carries no reason"),
    6: (M + "DefaultGpuResourceManager.java",
        '            if (clip.device() == ClipDevice.CUDA) {\n                clip.migrate(ClipDevice.CPU, "make room for the VLM");',
        '            if (false) {\n                clip.migrate(ClipDevice.CPU, "make room for the VLM");',
        "a VLM load no longer moves CLIP off the GPU first"),
    7: (M + "ClipController.java",
        "pipelineLock.readLock().lock();\n        try {\n            return engine.embed(images);\n        } finally {\n"
        "            pipelineLock.readLock().unlock();\n        }", "return engine.embed(images);",
        "embeddings no longer wait for a CLIP move (read lock gone)"),
    8: (M + "DefaultGpuResourceManager.java", "idle.compareTo(timeout) < 0",
        "idle.compareTo(java.time.Duration.ofSeconds(300)) < 0", "the idle timer uses the default, not the configured timeout"),
    9: (M + "DefaultGpuResourceManager.java", 'queue.submit("load VLM on demand", () -> loadVlm("on demand"))',
        'queue.submit("load VLM on demand", () -> true)', "a VLM request no longer loads the VLM"),
    10: (M + "DefaultGpuResourceManager.java", "markVlmRequest();\n        return await(loadVlmAsync(), false);",
         "markVlmRequest();\n        await(loadVlmAsync(), false);\n        return true;", "ensureVlmLoaded returns true after a failed load"),
    11: (M + "VlmController.java", "if (listed.isPresent() && !awaitGoneFromOllama(start))", "if (false)",
         "an unload no longer waits for the model to leave /api/ps"),
    12: (M + "DefaultGpuResourceManager.java", "return clip.device().wireName();",
         'return clip.status().isUsable() ? clip.device().wireName() : "unavailable";', "getClipDevice reports 'unavailable'"),
    13: ("src/main/java/com/rpavision/gpurm/core/concurrent/Threads.java",
         'Executors.newSingleThreadExecutor(named("gpurm-model-ops"))',
         'Executors.newFixedThreadPool(4, named("gpurm-model-ops"))', "model operations run on four threads"),
}

# Beyond the design's 13: mutations caught by a named test class rather than by a numbered property.
OTHER_MUTATIONS = {
    14: (M + "OllamaWatcher.java", "OllamaSnapshot previous = latest.getAndSet(snapshot);\n            consecutiveFailures = 0;\n"
         "            listener.seen(snapshot, previous == null || !previous.signature().equals(snapshot.signature()));",
         "consecutiveFailures = 0;", "the watcher looks but no longer tells the manager (watcher off)",
         "OutsideActorChainTest"),
}


def test_failed(test_class):
    report = pathlib.Path("target/surefire-reports/TEST-com.rpavision.gpurm.core.manager.%s.xml" % test_class)
    if not report.exists():
        return None
    text = report.read_text()
    return "<failure" in text or "<error" in text


def failed_properties():
    report = pathlib.Path("target/surefire-reports/TEST-com.rpavision.gpurm.core.manager.CorrectnessProperties.xml")
    if not report.exists():
        return None
    text = report.read_text()
    failed = set()
    for case in re.finditer(r'<testcase name="Property (\d+):[^"]*"[^>]*?(/>|>(.*?)</testcase>)', text, re.S):
        body = case.group(3) or ""
        if "<failure" in body or "<error" in body:
            failed.add(int(case.group(1)))
    return failed


def main(numbers):
    results = []
    for n in numbers:
        if n in OTHER_MUTATIONS:
            results.append(other_mutation(n))
            continue
        path, old, new, what = MUTATIONS[n]
        source = pathlib.Path(path)
        original = source.read_text()
        if original.count(old) != 1:
            results.append((n, what, "MUTATION NOT APPLICABLE (source changed?)"))
            print("Property %2d | %-62s | %s" % (n, what, results[-1][2]), flush=True)
            continue
        source.write_text(original.replace(old, new))
        try:
            subprocess.run(["./mvnw", "-q", "-B", "-o", "test", "-Dtest=CorrectnessProperties",
                            "-Dsurefire.failIfNoSpecifiedTests=false"], capture_output=True, text=True)
            failed = failed_properties()
        finally:
            source.write_text(original)
        if failed is None:
            verdict = "DID NOT COMPILE OR RUN"
        elif n in failed:
            verdict = "caught by Property %d (failed: %s)" % (n, sorted(failed))
        else:
            verdict = "NOT CAUGHT (failed: %s)" % sorted(failed)
        results.append((n, what, verdict))
        print("Property %2d | %-62s | %s" % (n, what, verdict), flush=True)
    missed = [r for r in results if not r[2].startswith("caught")]
    print("%d of %d mutations caught by their property" % (len(results) - len(missed), len(results)))
    return 1 if missed else 0


def other_mutation(n):
    path, old, new, what, test_class = OTHER_MUTATIONS[n]
    source = pathlib.Path(path)
    original = source.read_text()
    if original.count(old) != 1:
        verdict = "MUTATION NOT APPLICABLE (source changed?)"
    else:
        source.write_text(original.replace(old, new))
        try:
            subprocess.run(["./mvnw", "-q", "-B", "-o", "test", "-Dtest=" + test_class,
                            "-Dsurefire.failIfNoSpecifiedTests=false"], capture_output=True, text=True)
            failed = test_failed(test_class)
        finally:
            source.write_text(original)
        verdict = ("DID NOT COMPILE OR RUN" if failed is None
                   else "caught by %s" % test_class if failed else "NOT CAUGHT by %s" % test_class)
    print("Mutation %2d | %-62s | %s" % (n, what, verdict), flush=True)
    return (n, what, verdict)


if __name__ == "__main__":
    wanted = [int(a) for a in sys.argv[1:]] or sorted(MUTATIONS) + sorted(OTHER_MUTATIONS)
    sys.exit(main(wanted))
