"""What the client decides without an app: where api.json is, how the JSON reads, the errors it gives."""

from __future__ import annotations

import json
import socket
import tempfile
import unittest
from typing import Dict, List
from datetime import datetime, timezone
from pathlib import Path

from gpurm_client import (AppNotRunningError, ExecutionMode, GPUResourceStatus, GpuResourceManagerClient, GpuRmError,
                          ModelState, default_api_info_path, read_api_info)
from gpurm_client.models import Drift, GpuProcess, parse_timestamp

STATUS = {
    "execution_mode": "recording", "vlm_state": "loaded", "vlm_model": "qwen3-vl:8b", "clip_device": "cpu",
    "vram": {"index": 0, "total_mb": 24564, "used_mb": 12330, "free_mb": 12234, "gpu_name": "RTX 4090",
             "gpu_utilization_percent": 12, "temperature_c": 58, "power_w": None, "power_limit_w": 450},
    "idle_timeout_seconds": 300, "last_vlm_request": "2026-11-30T08:00:00.123456789Z", "degraded_mode": False,
    "degraded_reason": None, "vlm_error": None,
    "clip": {"availability": "available", "device": "cpu", "reason": None, "cuda_unavailable_reason": "no CUDA",
             "vram_mb": None},
    "gpus": [], "processes": [{"gpu_index": 0, "pid": 42, "name": "ollama", "used_mb": None, "model": "qwen3-vl:8b"}],
    "process_memory_known": True, "vlm_observed_at": "2026-11-30T08:00:01Z",
    "conditions": [{"condition": "vlm_contended", "reason": "taken away 3 times"}],
    "last_drift": {"at": "2026-11-30T08:00:00Z", "cause": "evicted", "expected": "loaded",
                   "observed": "gone while llama3:8b loaded", "other_model": "llama3:8b", "other_mb": 6000,
                   "client": None},
    "vram_breakdown": {"total_mb": 24564, "vlm_mb": 10500, "clip_mb": 0,
                       "other_models": [{"name": "llama3:8b", "vram_mb": 600}], "other_processes_mb": 1230,
                       "free_mb": 12234, "vlm_fit": {"need_mb": 10500, "available_mb": 11722, "fits": True}},
    "a_field_a_newer_app_sends": [1],
}


class WhereApiJsonIs(unittest.TestCase):
    home = Path("/home/operator")

    def test_linux_uses_xdg_data_home(self) -> None:
        self.assertEqual(default_api_info_path({"XDG_DATA_HOME": "/data"}, "linux", self.home),
                         Path("/data/gpu-resource-manager/api.json"))

    def test_linux_without_xdg_or_with_a_relative_or_blank_one_uses_local_share(self) -> None:
        expected = self.home / ".local/share/gpu-resource-manager/api.json"
        envs: List[Dict[str, str]] = [{}, {"XDG_DATA_HOME": "relative/dir"}, {"XDG_DATA_HOME": "  "}]
        for env in envs:
            self.assertEqual(default_api_info_path(env, "linux", self.home), expected, env)

    def test_windows_uses_localappdata(self) -> None:
        self.assertEqual(default_api_info_path({"LOCALAPPDATA": "C:\\Users\\op\\AppData\\Local"}, "win32", Path("C:/Users/op")).parts[-2:],
                         ("GpuResourceManager", "api.json"))
        self.assertEqual(default_api_info_path({}, "win32", self.home),
                         self.home / "AppData" / "Local" / "GpuResourceManager" / "api.json")

    def test_a_missing_api_json_means_the_app_is_not_running(self) -> None:
        with self.assertRaises(AppNotRunningError) as raised:
            GpuResourceManagerClient.connect(api_info_path="/nonexistent/api.json")
        self.assertIn("not running", str(raised.exception))
        self.assertIn("/nonexistent/api.json", str(raised.exception))

    def test_a_file_that_is_not_api_json_says_so(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d, "api.json")
            path.write_text('{"port": 1}', encoding="utf-8")
            with self.assertRaises(GpuRmError) as raised:
                read_api_info(path)
            self.assertIn("base_url and token", str(raised.exception))
            path.write_text(json.dumps({"port": 1, "base_url": "http://127.0.0.1:1/", "token": "t"}), encoding="utf-8")
            self.assertEqual(read_api_info(path).base_url, "http://127.0.0.1:1")


class ReadingTheJson(unittest.TestCase):
    def test_the_status_reads_into_the_designs_dataclasses_and_keeps_unknown_fields(self) -> None:
        status = GPUResourceStatus.from_json(STATUS)
        self.assertIs(status.execution_mode, ExecutionMode.RECORDING)
        self.assertIs(status.vlm_state, ModelState.LOADED)
        self.assertEqual(status.vram.free_mb, 12234)
        self.assertEqual((status.vram.temperature_c, status.vram.power_w, status.vram.power_limit_w), (58, None, 450))
        self.assertEqual(status.last_vlm_request, datetime(2026, 11, 30, 8, 0, 0, 123456, tzinfo=timezone.utc))
        self.assertIsNone(status.processes[0].used_mb)
        self.assertEqual(status.processes[0].model, "qwen3-vl:8b")
        self.assertIsNone(GpuProcess.from_json({"gpu_index": 0, "pid": 7, "name": "Xorg", "used_mb": 900}).model,
                          "an older app sends no model")
        self.assertEqual(status.raw["a_field_a_newer_app_sends"], [1])
        self.assertEqual(status.conditions, {"vlm_contended": "taken away 3 times"})
        self.assertEqual(status.last_drift.cause if status.last_drift else None, "evicted")
        self.assertEqual(status.last_drift.other_mb if status.last_drift else None, 6000)
        self.assertIsNone(status.last_drift.client if status.last_drift else "missing")
        self.assertEqual(status.vlm_observed_at, datetime(2026, 11, 30, 8, 0, 1, tzinfo=timezone.utc))
        self.assertEqual(status.vram_breakdown.other_models if status.vram_breakdown else None, {"llama3:8b": 600})
        self.assertEqual(status.vram_breakdown.vlm_mb if status.vram_breakdown else None, 10500)
        self.assertEqual(status.vram_breakdown.vlm_available_mb if status.vram_breakdown else None, 11722)

    def test_a_reload_through_the_proxy_names_its_client(self) -> None:
        drift = Drift.from_json({"at": "2026-11-30T08:00:00Z", "cause": "reloaded_with_other_options",
                                 "expected": "10500 MB", "observed": "11268 MB, back after 1.1 s", "other_model": None,
                                 "other_mb": 0, "client": "rpa-agent/3.1"})
        self.assertEqual(drift.client, "rpa-agent/3.1")
        self.assertIsNone(drift.other_model)

    def test_timestamps_as_java_writes_them(self) -> None:
        self.assertEqual(parse_timestamp("2026-11-30T09:00:00+01:00"), datetime(2026, 11, 30, 8, tzinfo=timezone.utc))
        self.assertEqual(parse_timestamp("2026-11-30T08:00Z"), datetime(2026, 11, 30, 8, tzinfo=timezone.utc))
        self.assertIsNone(parse_timestamp(None))
        with self.assertRaises(ValueError):
            parse_timestamp("yesterday")


class WithoutAnApp(unittest.TestCase):
    def test_nothing_listening_is_a_clear_error(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # free once closed: nothing listens there
        client = GpuResourceManagerClient(f"http://127.0.0.1:{port}", "0" * 64)
        with self.assertRaises(AppNotRunningError) as raised:
            client.get_status()
        self.assertIn("not running", str(raised.exception))

    def test_only_plain_http_urls(self) -> None:
        with self.assertRaises(ValueError):
            GpuResourceManagerClient("https://example.com", "t")

    def test_embed_image_wants_png_or_jpeg(self) -> None:
        client = GpuResourceManagerClient("http://127.0.0.1:9", "t")
        with self.assertRaises(ValueError):
            client.embed_image(b"GIF89a")
        with self.assertRaises(TypeError):
            client.embed_image(42)


if __name__ == "__main__":
    unittest.main()
