"""The calls for the rest of the API (the other Ollama models, the statistics), sync and asyncio, against the
stand-in for the app (fake_app): what they send, how the answers read, how a refusal reads."""

from __future__ import annotations

import asyncio
import unittest
from datetime import datetime, timezone

from gpurm_client import (ApiError, AsyncGpuResourceManagerClient, ExecutionMode, GpuResourceManagerClient,
                          ModeConflict, OllamaModel, OllamaUnload, Statistics, TransitionTimeoutError)

from .fake_app import FakeApp
from .test_offline import STATUS

MODELS = {"models": [
    {"name": "qwen3-vl:8b", "vram_mb": 10500, "size_mb": 10800, "expires_at": "2026-11-30T08:03:00Z", "is_vlm": True},
    {"name": "llama3:8b", "vram_mb": 5000, "size_mb": 5000, "expires_at": None, "is_vlm": False}]}
PERIOD = {"from": "2026-11-30T00:00:00+01:00", "to": "2026-11-30T09:00:00Z",
          "seconds_in_mode": {"idle": 3600, "recording": 1800}, "vlm_loads": 3, "load_p50_ms": 4200,
          "load_p95_ms": None, "idle_unloads": 1, "degraded_seconds": 0, "clip_moves": 2}
STATISTICS = {"today": PERIOD, "this_week": dict(PERIOD, vlm_loads=12)}


class TheOtherModelsAndTheStatistics(unittest.TestCase):
    def setUp(self) -> None:
        self.app = FakeApp(STATUS)
        self.addCleanup(self.app.stop)
        self.app.replies[("GET", "/api/v1/ollama/models")] = [(200, MODELS)]
        self.app.replies[("GET", "/api/v1/statistics")] = [(200, STATISTICS)]
        self.app.replies[("POST", "/api/v1/ollama/unload")] = [
            (200, {"ok": True, "model": "llama3:8b", "vram_freed_mb": 5000, "reason": None})]
        self.grm = GpuResourceManagerClient(self.app.base_url, self.app.token)
        self.addCleanup(self.grm.shutdown)

    def test_the_models_ollama_holds_read_with_the_vlm_marked(self) -> None:
        models = self.grm.list_ollama_models()
        self.assertEqual([(m.name, m.is_vlm) for m in models], [("qwen3-vl:8b", True), ("llama3:8b", False)])
        self.assertIsInstance(models[0], OllamaModel)
        self.assertEqual(models[0].expires_at, datetime(2026, 11, 30, 8, 3, tzinfo=timezone.utc))
        self.assertIsNone(models[1].expires_at)
        self.assertEqual((models[1].vram_mb, models[1].size_mb), (5000, 5000))

    def test_another_model_is_unloaded_and_the_vlm_is_refused_as_an_api_error(self) -> None:
        done = self.grm.unload_ollama_model("llama3:8b")
        self.assertEqual(done, OllamaUnload(model="llama3:8b", vram_freed_mb=5000, reason=None))
        self.assertEqual(self.app.requests[-1][1:], ("POST", "/api/v1/ollama/unload"))
        self.app.replies[("POST", "/api/v1/ollama/unload")] = [(409, {"error": "qwen3-vl:8b is the vision model"})]
        with self.assertRaises(ApiError) as raised:
            self.grm.unload_ollama_model("qwen3-vl:8b")
        self.assertEqual(raised.exception.status, 409)
        self.assertNotIsInstance(raised.exception, ModeConflict)
        self.app.replies[("POST", "/api/v1/ollama/unload")] = [(504, {"error": "llama3:8b is still unloading"})]
        with self.assertRaises(TransitionTimeoutError):
            self.grm.unload_ollama_model("llama3:8b")

    def test_a_blank_model_name_is_refused_before_anything_is_sent(self) -> None:
        sent = len(self.app.requests)
        for blank in ("", "  "):
            with self.assertRaises(ValueError):
                self.grm.unload_ollama_model(blank)
        self.assertEqual(len(self.app.requests), sent)

    def test_the_statistics_read_into_two_periods(self) -> None:
        statistics = self.grm.get_statistics()
        self.assertIsInstance(statistics, Statistics)
        today = statistics.today
        self.assertEqual(today.start, datetime(2026, 11, 29, 23, 0, tzinfo=timezone.utc))
        self.assertEqual(today.seconds_in_mode, {ExecutionMode.IDLE: 3600, ExecutionMode.RECORDING: 1800})
        self.assertEqual((today.vlm_loads, today.load_p50_ms, today.load_p95_ms), (3, 4200, None))
        self.assertEqual((today.idle_unloads, today.degraded_seconds, today.clip_moves), (1, 0, 2))
        self.assertEqual(statistics.this_week.vlm_loads, 12)

    def test_the_asyncio_twin_has_them_too(self) -> None:
        async def scenario() -> None:
            async with AsyncGpuResourceManagerClient(GpuResourceManagerClient(self.app.base_url, self.app.token)) as grm:
                self.assertEqual(len(await grm.list_ollama_models()), 2)
                self.assertEqual((await grm.unload_ollama_model("llama3:8b")).vram_freed_mb, 5000)
                self.assertEqual((await grm.get_statistics()).today.vlm_loads, 3)
        asyncio.run(scenario())

    def test_every_public_call_has_an_asyncio_twin_with_a_docstring(self) -> None:
        public = {n for n in dir(GpuResourceManagerClient) if not n.startswith("_") and callable(getattr(GpuResourceManagerClient, n))}
        twins = {n for n in dir(AsyncGpuResourceManagerClient) if not n.startswith("_")}
        self.assertEqual(public - twins - {"close"}, set())
        for name in public - {"close"}:
            self.assertTrue(getattr(AsyncGpuResourceManagerClient, name).__doc__, f"async {name} has a docstring")
            self.assertTrue(getattr(GpuResourceManagerClient, name).__doc__, f"{name} has a docstring")


if __name__ == "__main__":
    unittest.main()


class TheMonitoringCalls(unittest.TestCase):
    def setUp(self) -> None:
        self.app = FakeApp(STATUS)
        self.addCleanup(self.app.stop)
        self.app.replies[("GET", "/health")] = [(200, {"status": "ok"})]
        self.app.replies[("GET", "/metrics")] = [(200, b'# TYPE gpurm_up gauge\ngpurm_up 1\n')]
        self.app.replies[("GET", "/api/v1/openapi.json")] = [(200, {"openapi": "3.1.0", "info": {"version": "1"},
                                                                    "paths": {}, "components": {}})]
        self.grm = GpuResourceManagerClient(self.app.base_url, self.app.token)
        self.addCleanup(self.grm.shutdown)

    def test_health_metrics_and_the_document_read_as_served(self) -> None:
        self.assertTrue(self.grm.is_healthy())
        self.assertEqual(self.grm.get_metrics(), "# TYPE gpurm_up gauge\ngpurm_up 1\n")
        self.assertEqual(self.grm.get_openapi()["openapi"], "3.1.0")

    def test_an_answer_other_than_ok_is_not_healthy_and_no_app_is_false_not_an_error(self) -> None:
        self.app.replies[("GET", "/health")] = [(200, {"status": "starting"})]
        self.assertFalse(self.grm.is_healthy())
        self.app.stop()
        self.assertFalse(GpuResourceManagerClient(self.app.base_url, self.app.token).is_healthy())

    def test_the_async_twins_answer_the_same(self) -> None:
        async def run() -> None:
            async with AsyncGpuResourceManagerClient(GpuResourceManagerClient(self.app.base_url, self.app.token)) as grm:
                self.assertTrue(await grm.is_healthy())
                self.assertIn("gpurm_up 1", await grm.get_metrics())
                self.assertEqual((await grm.get_openapi())["openapi"], "3.1.0")
        asyncio.run(run())

