"""The client against the real app (the jar, --headless) over the jar's simulated Ollama: every method of the design,
the listeners, an embed, a wrong token, a restart, and the app stopped in the middle of a call."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
import unittest
import urllib.request
from pathlib import Path
from typing import Any, Callable, List, Optional
from unittest import mock

from gpurm_client import (ApiError, AppNotRunningError, AsyncGpuResourceManagerClient, AuthenticationError, ClipDevice,
                          ClipInfo, ExecutionMode, GPUResourceStatus, GpuResourceManagerClient, GpuTakeBack,
                          IdleUnloadEvent, ModeChangedEvent, ModeConflict, ModelState, ResourceChangedEvent,
                          StreamInterruption, VRAMInfo)

from .app import GPU, ROOT, RunningApp

VLM = "qwen3-vl:8b"
IMAGES = ROOT / "src" / "test" / "resources" / "clip"
WAIT_S = 60.0  # a deadline for what happens in the background, never a measure
SLOW_LOAD_MS = 30_000  # longer than any stop takes


def eventually(condition: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def clip_of(grm: GpuResourceManagerClient) -> ClipInfo:
    """The status's CLIP part, which the app always sends."""
    clip = grm.get_status().clip
    if clip is None:
        raise AssertionError("the status has no clip")
    return clip


def subsequence(wanted: List[str], seen: List[str]) -> bool:
    it = iter(seen)
    return all(any(s == w for s in it) for w in wanted)


class Recorder:
    """Collects what a listener receives, from whichever thread."""

    def __init__(self) -> None:
        self.items: List[Any] = []
        self.threads: List[str] = []
        self.lock = threading.Lock()

    def __call__(self, item: Any) -> None:
        with self.lock:
            self.items.append(item)
            self.threads.append(threading.current_thread().name)

    def snapshot(self) -> List[Any]:
        with self.lock:
            return list(self.items)


class TheDesignsInterface(unittest.TestCase):
    app: RunningApp
    grm: GpuResourceManagerClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.app = RunningApp().start()
        cls.grm = GpuResourceManagerClient.connect(api_info_path=cls.app.api_info)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.grm.close()
        cls.app.close()

    def setUp(self) -> None:
        self.grm.set_execution_mode(ExecutionMode.IDLE)
        self.grm.ensure_vlm_unloaded()

    def test_connect_finds_api_json_where_the_app_writes_it(self) -> None:
        with mock.patch.dict("os.environ", {"XDG_DATA_HOME": str(self.app.dir / "data")}):
            with GpuResourceManagerClient.connect() as grm:
                info = json.loads(self.app.api_info.read_text(encoding="utf-8"))
                self.assertEqual(grm.base_url, info["base_url"])
                self.assertIsInstance(grm.get_status(), GPUResourceStatus)

    def test_status_vram_and_the_execution_mode(self) -> None:
        status = self.grm.get_status()
        self.assertIs(status.execution_mode, ExecutionMode.IDLE)
        self.assertIs(self.grm.get_execution_mode(), ExecutionMode.IDLE)
        self.assertEqual(status.vlm_model, VLM)
        self.assertEqual(status.idle_timeout_seconds, 0)
        vram = self.grm.get_vram_usage()
        self.assertIsInstance(vram, VRAMInfo)
        if not self.app.gpu:
            self.assertTrue(status.degraded_mode)
            self.skipTest("no gcc: the app runs without the NVML stub, so without a GPU")
        self.assertEqual((vram.gpu_name, vram.total_mb, vram.used_mb), GPU[:3])
        self.assertEqual(vram.free_mb, GPU[1] - GPU[2])
        self.assertEqual(vram.gpu_utilization_percent, GPU[3])
        self.assertEqual((vram.temperature_c, vram.power_w, vram.power_limit_w), GPU[6:9])
        self.assertFalse(status.degraded_mode, status.degraded_reason)

    def test_the_vlm_is_loaded_and_unloaded_on_request(self) -> None:
        self.assertTrue(self.grm.ensure_vlm_loaded())
        self.assertTrue(self.grm.is_vlm_loaded())
        self.assertIs(self.grm.get_vlm_state(), ModelState.LOADED)
        self.assertIn(VLM, self.app.sim.listed())
        self.assertTrue(self.grm.ensure_vlm_unloaded())
        self.assertFalse(self.grm.is_vlm_loaded())
        self.assertIs(self.grm.get_vlm_state(), ModelState.UNLOADED)
        self.assertNotIn(VLM, self.app.sim.listed())

    def test_unloading_the_vlm_in_recording_is_refused_and_changes_nothing(self) -> None:
        self.grm.set_execution_mode(ExecutionMode.RECORDING)
        with self.assertRaises(ModeConflict) as raised:
            self.grm.ensure_vlm_unloaded()
        self.assertEqual(raised.exception.status, 409)
        self.assertIn("switch to idle or autopilot", str(raised.exception))
        self.assertTrue(self.grm.is_vlm_loaded())
        self.assertIn(VLM, self.app.sim.listed())
        self.grm.set_execution_mode(ExecutionMode.IDLE)
        self.assertTrue(self.grm.ensure_vlm_unloaded())

    def test_free_the_gpu_for_recording_unloads_another_clients_model_and_loads_the_vlm(self) -> None:
        other = "llama3:8b"
        load = urllib.request.Request(self.app.sim.endpoint + "/api/generate", method="POST",
                                      data=json.dumps({"model": other, "keep_alive": "5m"}).encode("utf-8"),
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(load, timeout=WAIT_S) as answer:  # another Ollama client, not through us
            self.assertEqual(answer.status, 200)
        self.assertIn(other, self.app.sim.listed())

        done = self.grm.free_gpu_for_recording()

        self.assertIsInstance(done, GpuTakeBack)
        self.assertEqual([(u.model, u.ok) for u in done.unloaded], [(other, True)])
        self.assertGreater(done.vram_freed_mb, 0)
        self.assertIs(done.status.execution_mode, ExecutionMode.RECORDING)
        self.assertIs(done.status.vlm_state, ModelState.LOADED)
        self.assertNotIn(other, self.app.sim.listed())
        self.assertIn(VLM, self.app.sim.listed())

    def test_health_metrics_and_the_served_document(self) -> None:
        self.assertTrue(self.grm.is_healthy())
        self.assertIn("gpurm_execution_mode", self.grm.get_metrics())
        self.assertTrue(self.grm.get_openapi()["openapi"].startswith("3.1."))

    def test_the_other_models_are_listed_and_unloaded_and_the_statistics_read(self) -> None:
        other = "llama3:8b"
        load = urllib.request.Request(self.app.sim.endpoint + "/api/generate", method="POST",
                                      data=json.dumps({"model": other, "keep_alive": "5m"}).encode("utf-8"),
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(load, timeout=WAIT_S) as answer:
            self.assertEqual(answer.status, 200)
        self.assertTrue(self.grm.ensure_vlm_loaded())
        models = {m.name: m for m in self.grm.list_ollama_models()}
        self.assertEqual({n: m.is_vlm for n, m in models.items()}, {VLM: True, other: False})
        with self.assertRaises(ApiError) as refused:
            self.grm.unload_ollama_model(VLM)
        self.assertEqual(refused.exception.status, 409)
        done = self.grm.unload_ollama_model(other)
        self.assertEqual((done.model, done.reason), (other, None))
        self.assertGreater(done.vram_freed_mb, 0)
        self.assertNotIn(other, self.app.sim.listed())
        self.assertIsNotNone(self.grm.unload_ollama_model(other).reason, "not loaded any more: says so")
        statistics = self.grm.get_statistics()
        self.assertGreaterEqual(statistics.today.vlm_loads, 1)
        self.assertGreaterEqual(statistics.this_week.vlm_loads, statistics.today.vlm_loads)
        self.assertIn(ExecutionMode.IDLE, statistics.today.seconds_in_mode)

    def test_clip_stays_on_the_cpu_with_the_bundled_libtorch_and_says_why(self) -> None:
        eventually(lambda: clip_of(self.grm).availability == "available", "CLIP available")
        self.assertIs(self.grm.get_clip_device(), ClipDevice.CPU)
        self.assertFalse(self.grm.migrate_clip_to_gpu())
        status = self.grm.get_status()
        self.assertEqual(status.clip_device, "cpu")
        self.assertIn("CUDA", (status.clip and status.clip.cuda_unavailable_reason) or status.degraded_reason or "")
        self.assertTrue(self.grm.migrate_clip_to_cpu())

    def test_an_image_is_embedded_from_bytes_a_path_or_a_pil_image(self) -> None:
        eventually(lambda: clip_of(self.grm).availability == "available", "CLIP available")
        path = IMAGES / "ui-640x400.png"
        from_path = self.grm.embed_image(path)
        from_bytes = self.grm.embed_image(path.read_bytes())
        self.assertEqual(len(from_path), 512)
        self.assertEqual(from_path, from_bytes)
        self.assertAlmostEqual(math.sqrt(sum(x * x for x in from_path)), 1.0, places=4)
        reference = json.loads((IMAGES / "reference.json").read_text())["images"]["ui-640x400.png"]["embedding"]
        self.assertLess(max(abs(a - b) for a, b in zip(from_path, reference)), 1e-4, "Python's CLIP reference")

        class PilLike:  # what embed_image needs of a PIL image; Pillow itself is optional
            def save(self, out: Any, format: str) -> None:
                assert format == "PNG"
                out.write(path.read_bytes())
        self.assertEqual(self.grm.embed_image(PilLike()), from_path)

    def test_listeners_see_a_mode_switch_in_order(self) -> None:
        modes, events = Recorder(), Recorder()
        with self.grm.on_mode_changed(modes), self.grm.on_resource_changed(events):
            self.assertTrue(self.grm.listening)
            recording = self.grm.set_execution_mode(ExecutionMode.RECORDING)
            self.assertIs(recording.vlm_state, ModelState.LOADED, "answers once the VLM is loaded")
            self.assertIn(VLM, self.app.sim.listed())
            autopilot = self.grm.set_execution_mode("autopilot")
            self.assertIs(autopilot.vlm_state, ModelState.UNLOADED)
            self.grm.set_execution_mode(ExecutionMode.IDLE)
            eventually(lambda: len(modes.snapshot()) >= 3, "three mode changes heard")
        changes = modes.snapshot()
        self.assertTrue(all(isinstance(c, ModeChangedEvent) for c in changes))
        self.assertEqual([(c.from_mode, c.to_mode) for c in changes],
                         [(ExecutionMode.IDLE, ExecutionMode.RECORDING), (ExecutionMode.RECORDING, ExecutionMode.AUTOPILOT),
                          (ExecutionMode.AUTOPILOT, ExecutionMode.IDLE)])
        self.assertEqual(sorted(c.timestamp for c in changes), [c.timestamp for c in changes])
        types = [e.event_type for e in events.snapshot()]
        self.assertTrue(all(isinstance(e, ResourceChangedEvent) for e in events.snapshot()))
        self.assertTrue(subsequence(["mode_changed", "model_loading", "model_loaded", "mode_changed", "model_unloading",
                                     "model_unloaded", "mode_changed"], types), types)
        self.assertEqual(set(modes.threads), {"gpurm-events"})
        recent = [e.event_type for e in self.grm.recent_events()]
        self.assertTrue(subsequence(["mode_changed", "model_loaded", "mode_changed", "model_unloaded"], recent), recent)

    def test_a_wrong_token_is_refused_with_a_clear_error(self) -> None:
        stranger = GpuResourceManagerClient(self.grm.base_url, "0" * 64)
        with self.assertRaises(AuthenticationError) as raised:
            stranger.get_status()
        self.assertIn("token", str(raised.exception))
        self.assertIn("api.json", str(raised.exception))
        with self.assertRaises(AuthenticationError):
            GpuResourceManagerClient.connect(self.grm.base_url, "0" * 64)
        with self.assertRaises(AuthenticationError):
            stranger.ensure_vlm_loaded()
        self.assertFalse(self.grm.is_vlm_loaded(), "the refused call changed nothing")

    def test_the_asyncio_twin_has_the_same_names(self) -> None:
        async def scenario() -> None:
            modes: "asyncio.Queue[ModeChangedEvent]" = asyncio.Queue()
            loop_thread = threading.current_thread().name

            async def on_mode(change: ModeChangedEvent) -> None:
                self.assertEqual(threading.current_thread().name, loop_thread, "called on the loop")
                await modes.put(change)

            async with await AsyncGpuResourceManagerClient.connect(api_info_path=self.app.api_info) as grm:
                await grm.on_mode_changed(on_mode)
                status = await grm.set_execution_mode(ExecutionMode.RECORDING)
                self.assertIs(status.vlm_state, ModelState.LOADED)
                self.assertTrue(await grm.is_vlm_loaded())
                self.assertIs(await grm.get_execution_mode(), ExecutionMode.RECORDING)
                change = await asyncio.wait_for(modes.get(), WAIT_S)
                self.assertEqual(change.to_mode, ExecutionMode.RECORDING)
                with self.assertRaises(ModeConflict):  # RECORDING keeps the VLM loaded
                    await grm.ensure_vlm_unloaded()
                await grm.set_execution_mode(ExecutionMode.IDLE)
                self.assertTrue(await grm.ensure_vlm_unloaded())
                self.assertTrue(await grm.ensure_vlm_loaded())
                self.assertIs(await grm.get_vlm_state(), ModelState.LOADED)
                self.assertIs(await grm.get_clip_device(), ClipDevice.CPU)
                self.assertTrue(await grm.migrate_clip_to_cpu())
                self.assertIsInstance(await grm.migrate_clip_to_gpu(), bool)
                self.assertIsInstance(await grm.get_vram_usage(), VRAMInfo)
                self.assertIsInstance(await grm.get_status(), GPUResourceStatus)
                eventually(lambda: clip_of(self.grm).availability == "available", "CLIP available")
                self.assertEqual(len(await grm.embed_image(IMAGES / "tiny-96x64.png")), 512)
        asyncio.run(scenario())


class StoppingAndRestartingTheApp(unittest.TestCase):
    """One app, in order: an idle unload, a restart with a new token, a stop in the middle of a call."""

    app: RunningApp
    grm: GpuResourceManagerClient
    events: Recorder
    interruptions: Recorder

    @classmethod
    def setUpClass(cls) -> None:
        cls.app = RunningApp(idle_timeout_seconds=1).start()
        cls.grm = GpuResourceManagerClient.connect(api_info_path=cls.app.api_info)
        cls.events = Recorder()
        cls.interruptions = Recorder()
        cls.grm.on_resource_changed(cls.events)
        cls.grm.on_stream_interrupted(cls.interruptions)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.grm.close()
        cls.app.close()

    def test_1_the_idle_unload_reaches_its_listener(self) -> None:
        unloads = Recorder()
        with self.grm.on_idle_unload(unloads):
            self.assertTrue(self.grm.ensure_vlm_loaded())
            eventually(unloads.snapshot, "an idle unload heard")
        unload = unloads.snapshot()[0]
        self.assertIsInstance(unload, IdleUnloadEvent)
        self.assertEqual(unload.model, VLM)
        self.assertGreaterEqual(unload.idle_seconds, 1)
        eventually(lambda: not self.grm.is_vlm_loaded(), "the VLM unloaded")

    def test_2_after_a_restart_the_client_reads_the_new_token_and_its_listener_reconnects(self) -> None:
        old_base_url, old_token = self.grm._credentials()
        self.app.stop()
        with self.assertRaises(AppNotRunningError) as raised:
            self.grm.get_status()
        self.assertIn("not running", str(raised.exception))
        self.app.ollama_options = ["--sim-load-ms", str(SLOW_LOAD_MS)]  # test 3 stops the app in the middle of a load
        self.app.start()  # with a fresh simulated Ollama, on another port, with another token

        # no call of the client's: the event stream finds the app again through api.json by itself
        back = eventually(self.interruptions.snapshot, "the listeners told the stream is back")[0]
        self.assertIsInstance(back, StreamInterruption)
        self.assertTrue(back.app_restarted)
        self.assertNotEqual(back.base_url, old_base_url)
        self.assertIs(back.status.execution_mode if back.status else None, ExecutionMode.IDLE)
        self.assertEqual(self.interruptions.threads, ["gpurm-events"])
        heard = len(self.events.snapshot())
        with GpuResourceManagerClient.connect(api_info_path=self.app.api_info) as other:
            other.set_execution_mode(ExecutionMode.AUTOPILOT)
            other.set_execution_mode(ExecutionMode.IDLE)
        eventually(lambda: [e.details.get("to") for e in self.events.snapshot()[heard:] if e.event_type == "mode_changed"]
                   == ["autopilot", "idle"], "the restarted app's mode changes heard by the old listener")

        self.assertIs(self.grm.get_execution_mode(), ExecutionMode.IDLE, "found again through api.json")
        self.assertNotEqual(self.grm._credentials(), (old_base_url, old_token))
        with self.assertRaises(AuthenticationError):
            GpuResourceManagerClient(self.grm.base_url, old_token).get_status()
        eventually(lambda: self.grm.listening, "the event stream back")
        heard = len(self.events.snapshot())
        self.grm.set_execution_mode(ExecutionMode.AUTOPILOT)
        eventually(lambda: any(e.event_type == "mode_changed" and e.details["to"] == "autopilot"
                               for e in self.events.snapshot()[heard:]), "the new app's mode change heard")

    def test_3_the_app_stopped_in_the_middle_of_a_call_is_a_clear_error(self) -> None:
        outcome: List[BaseException] = []

        def switch() -> None:
            try:
                self.grm.set_execution_mode(ExecutionMode.RECORDING)
            except BaseException as e:  # noqa: B902 - handed to the test thread
                outcome.append(e)
        caller = threading.Thread(target=switch)
        caller.start()
        # Ollama lists a model from the moment its runner starts, while it loads (SLOW_LOAD_MS here)
        eventually(lambda: VLM in self.app.sim.listed(), "the load reached Ollama")
        self.app.terminate()
        caller.join(WAIT_S)
        self.assertFalse(caller.is_alive())
        self.assertEqual(len(outcome), 1, "the call failed")
        self.assertIsInstance(outcome[0], AppNotRunningError)
        self.assertIn("stopped", str(outcome[0]))
        self.assertIn("POST /api/v1/mode", str(outcome[0]))
        self.app.wait_stopped()
        with self.assertRaises(AppNotRunningError):
            self.grm.is_vlm_loaded()
        with self.assertRaises(AppNotRunningError) as raised:
            GpuResourceManagerClient.connect(api_info_path=self.app.api_info)
        self.assertIn("no " + str(self.app.api_info), str(raised.exception))


if __name__ == "__main__":
    unittest.main()
