"""Kept connections, what is sent again and what never is, timeouts, shutdown and the event stream's interruptions,
against a stand-in for the app on a real loopback socket (fake_app) that does on cue what the app does by chance."""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import unittest
from pathlib import Path
from typing import Callable, List
from unittest import mock

from gpurm_client import (ApiError, AsyncGpuResourceManagerClient, ClientClosedError, ConnectionLostError,
                          GpuResourceManagerClient, GpuRmError, GpuRmTimeout, ModeConflict, ResourceChangedEvent,
                          StreamInterruption, TransitionTimeoutError)
from gpurm_client import _http

from . import fake_app
from .fake_app import DROP, HANG, SHORT, FakeApp
from .test_offline import STATUS

STATUS_PATH = "/api/v1/status"
LOAD_PATH = "/api/v1/vlm/load"
DEADLINE_S = 10.0  # a deadline for what happens in the background, never a measure


def client_of(app: FakeApp, timeout: float = 30.0, transition_timeout: float = 600.0) -> GpuResourceManagerClient:
    return GpuResourceManagerClient(app.base_url, app.token, timeout=timeout, transition_timeout=transition_timeout)


def until(condition: Callable[[], bool], what: str) -> None:
    pause = threading.Event()
    for _ in range(int(DEADLINE_S / 0.02)):
        if condition():
            return
        pause.wait(0.02)
    raise AssertionError(f"not within {DEADLINE_S} s: {what}")


def events_threads() -> List[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "gpurm-events" and t.is_alive()]


class KeptConnections(unittest.TestCase):
    def setUp(self) -> None:
        self.app = FakeApp(STATUS)
        self.addCleanup(self.app.stop)

    def test_calls_on_one_thread_share_one_connection(self) -> None:
        with client_of(self.app) as grm:
            for _ in range(5):
                grm.get_status()
            grm.ensure_vlm_loaded()
        self.assertEqual(self.app.accepted, 1)
        self.assertEqual([n for n, _, _ in self.app.requests], [1] * 6)

    def test_each_thread_keeps_its_own(self) -> None:
        together = threading.Barrier(3)
        failures: List[BaseException] = []
        with client_of(self.app) as grm:
            def calls() -> None:
                try:
                    grm.get_status()
                    together.wait(DEADLINE_S)  # all three hold a connection at once
                    grm.get_status()
                except BaseException as e:  # noqa: B902 - handed to the test thread
                    failures.append(e)
            threads = [threading.Thread(target=calls) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(DEADLINE_S)
        self.assertEqual(failures, [])
        self.assertEqual(self.app.accepted, 3)
        self.assertEqual(sorted(n for n, _, _ in self.app.requests), [1, 1, 2, 2, 3, 3])


class WhatIsSentAgain(unittest.TestCase):
    def test_a_connection_the_app_closed_while_idle_is_replaced_before_anything_is_written(self) -> None:
        app = FakeApp(STATUS, idle_close_s=0.05)
        self.addCleanup(app.stop)
        with client_of(app) as grm:
            grm.get_status()
            app.wait_for(lambda: app.closed_by_server == 1)
            self.assertTrue(grm.ensure_vlm_loaded())
        self.assertEqual(app.count("POST", LOAD_PATH), 1)
        self.assertEqual([n for n, _, _ in app.requests], [1, 2], "the POST on a new connection")

    def test_a_write_that_fails_on_a_connection_the_app_reset_is_sent_again_once(self) -> None:
        app = FakeApp(STATUS, idle_close_s=0.05, reset_on_idle_close=True)
        self.addCleanup(app.stop)
        with client_of(app) as grm, mock.patch.object(_http, "_closed_by_peer", return_value=False):
            grm.get_status()
            app.wait_for(lambda: app.closed_by_server == 1)
            grm.ensure_vlm_loaded()  # the write meets the reset: nothing of it was read, so it goes again
        self.assertEqual(app.count("POST", LOAD_PATH), 1)
        self.assertEqual(app.accepted, 2)

    def test_a_get_whose_answer_was_lost_is_sent_again_once(self) -> None:
        app = FakeApp(STATUS)
        self.addCleanup(app.stop)
        with client_of(app) as grm:
            grm.get_status()
            app.replies[("GET", STATUS_PATH)] = [DROP, (200, STATUS)]
            self.assertEqual(grm.get_status().vlm_model, STATUS["vlm_model"])
        self.assertEqual(app.count("GET", STATUS_PATH), 3)

    def test_a_get_lost_twice_is_an_error_not_a_loop(self) -> None:
        app = FakeApp(STATUS)
        self.addCleanup(app.stop)
        with client_of(app) as grm:
            grm.get_status()
            app.replies[("GET", STATUS_PATH)] = [DROP]
            with self.assertRaises(ConnectionLostError):
                grm.get_status()
        self.assertEqual(app.count("GET", STATUS_PATH), 3)

    def test_a_post_whose_answer_was_lost_is_never_sent_again(self) -> None:
        app = FakeApp(STATUS)
        self.addCleanup(app.stop)
        with client_of(app) as grm:
            grm.get_status()  # the POST goes on a kept connection, the case where a resend would be tempting
            app.replies[("POST", LOAD_PATH)] = [DROP, (200, {"loaded": True, "vlm_state": "loaded", "reason": None})]
            with self.assertRaises(ConnectionLostError) as raised:
                grm.ensure_vlm_loaded()
            self.assertIn("POST /api/v1/vlm/load", str(raised.exception))
            self.assertIn("not sent again", str(raised.exception))
            self.assertEqual(app.count("POST", LOAD_PATH), 1)
            self.assertTrue(grm.ensure_vlm_loaded(), "the next call works, on a new connection")
        self.assertEqual(app.count("POST", LOAD_PATH), 2)


class Timeouts(unittest.TestCase):
    def setUp(self) -> None:
        self.app = FakeApp(STATUS)
        self.addCleanup(self.app.stop)

    def test_no_answer_in_time_is_a_gpurm_timeout_and_a_timeout_error(self) -> None:
        self.app.replies[("GET", STATUS_PATH)] = [HANG, (200, STATUS)]
        with client_of(self.app, timeout=0.2) as grm:
            with self.assertRaises(GpuRmTimeout) as raised:
                grm.get_status()
            self.assertIsInstance(raised.exception, TimeoutError)
            self.assertIsInstance(raised.exception, GpuRmError)
            self.assertIn("GET /api/v1/status", str(raised.exception))
            self.assertEqual(grm.get_status().vlm_model, STATUS["vlm_model"], "a late answer is never read as the next")
        self.assertEqual(self.app.accepted, 2)

    def test_an_answer_cut_short_in_time_is_a_gpurm_timeout(self) -> None:
        self.app.replies[("GET", STATUS_PATH)] = [SHORT]
        with client_of(self.app, timeout=0.2) as grm:
            with self.assertRaises(GpuRmTimeout):
                grm.get_status()

    def test_a_transition_wait_runs_out_with_transition_timeout(self) -> None:
        self.app.replies[("POST", LOAD_PATH)] = [HANG]
        with client_of(self.app, timeout=30, transition_timeout=0.2) as grm:
            with self.assertRaises(GpuRmTimeout):
                grm.ensure_vlm_loaded()

    def test_the_apps_own_504_is_a_gpurm_timeout_too(self) -> None:
        self.app.replies[("POST", LOAD_PATH)] = [(504, {"error": "still loading after 395 s"})]
        with client_of(self.app) as grm:
            with self.assertRaises(GpuRmTimeout) as raised:
                grm.ensure_vlm_loaded()
        self.assertIsInstance(raised.exception, TransitionTimeoutError)
        self.assertIsInstance(raised.exception, ApiError)

    def test_a_mode_switchs_504_says_one_sentence_and_gives_the_status_reached(self) -> None:
        reached = dict(STATUS, execution_mode="recording", vlm_state="loading")
        self.app.replies[("POST", "/api/v1/mode")] = [
            (504, {"error": "the switch to recording is still under way after 395 s; it goes on", "status": reached})]
        with client_of(self.app) as grm:
            with self.assertRaises(TransitionTimeoutError) as raised:
                grm.set_execution_mode("recording")
        self.assertEqual(raised.exception.message, "the switch to recording is still under way after 395 s; it goes on")
        self.assertLess(len(str(raised.exception)), 200)
        status = raised.exception.status_reached
        assert status is not None
        self.assertEqual(status.vlm_state.value, "loading")

    def test_the_asyncio_client_raises_the_same(self) -> None:
        self.app.replies[("GET", STATUS_PATH)] = [HANG]

        async def scenario() -> None:
            async with AsyncGpuResourceManagerClient(client_of(self.app, timeout=0.2)) as grm:
                with self.assertRaises(GpuRmTimeout):
                    await grm.get_status()
        asyncio.run(scenario())


class ModeConflicts(unittest.TestCase):
    def test_a_409_on_unload_is_a_mode_conflict_elsewhere_an_api_error(self) -> None:
        app = FakeApp(STATUS)
        self.addCleanup(app.stop)
        app.replies[("POST", "/api/v1/vlm/unload")] = [(409, {"error": "in RECORDING the VLM stays loaded"})]
        app.replies[("POST", LOAD_PATH)] = [(409, {"error": "something else"})]
        with client_of(app) as grm:
            with self.assertRaises(ModeConflict) as raised:
                grm.ensure_vlm_unloaded()
            self.assertEqual(raised.exception.status, 409)
            with self.assertRaises(ApiError) as other:
                grm.ensure_vlm_loaded()
            self.assertNotIsInstance(other.exception, ModeConflict)


class Shutdown(unittest.TestCase):
    def setUp(self) -> None:
        self.app = FakeApp(STATUS)
        self.addCleanup(self.app.stop)

    def test_shutdown_stops_the_event_thread_and_closes_every_connection(self) -> None:
        grm = client_of(self.app)
        grm.on_resource_changed(lambda e: None)
        self.assertTrue(grm.listening)
        other = threading.Thread(target=grm.get_status)
        other.start()
        other.join(DEADLINE_S)
        grm.get_status()
        self.assertEqual(len(events_threads()), 1)

        self.assertTrue(grm.shutdown())

        self.assertEqual(events_threads(), [])
        self.app.wait_for(lambda: self.app.closed_by_client == 2)  # the two callers' connections
        with self.assertRaises(ClientClosedError):
            grm.get_status()
        grm.shutdown()  # twice is fine

    def test_leaving_a_with_block_shuts_down(self) -> None:
        with client_of(self.app) as grm:
            grm.on_mode_changed(lambda e: None)
            grm.get_status()
        self.assertEqual(events_threads(), [])
        self.app.wait_for(lambda: self.app.closed_by_client == 1)
        with self.assertRaises(ClientClosedError):
            grm.get_status()

    def test_the_asyncio_client_shuts_down_its_pool_and_thread(self) -> None:
        async def scenario() -> None:
            async with AsyncGpuResourceManagerClient(client_of(self.app)) as grm:
                await grm.on_resource_changed(lambda e: None)
                await asyncio.gather(*(grm.get_status() for _ in range(8)))
                self.assertLessEqual(self.app.accepted - 1, 4, "at most one connection per worker (and the stream)")
            self.assertEqual(events_threads(), [])
            self.app.wait_for(lambda: self.app.closed_by_client == self.app.accepted - 1)
            with self.assertRaises(ClientClosedError):
                await grm.get_status()
        asyncio.run(scenario())


class StreamInterruptions(unittest.TestCase):
    def test_an_interrupted_stream_comes_back_and_says_what_was_missed(self) -> None:
        app = FakeApp(STATUS)
        self.addCleanup(app.stop)
        events: "List[ResourceChangedEvent]" = []
        interruptions: "List[StreamInterruption]" = []
        with client_of(app) as grm:
            grm.on_resource_changed(events.append)
            grm.on_stream_interrupted(interruptions.append)
            app.push_event(fake_app.event("mode_changed", **{"from": "idle", "to": "recording"}))
            until(lambda: len(events) == 1, "the first event heard")

            with app.lock:
                app.streams_allowed = False
            app.drop_streams()
            until(lambda: not grm.listening, "the stream seen broken")
            app.push_event(fake_app.event("model_loaded", model="qwen3-vl:8b"))  # nobody is listening
            app.push_event(fake_app.event("mode_changed", **{"from": "recording", "to": "idle"}))
            with app.lock:
                app.streams_allowed = True
            until(lambda: len(interruptions) == 1, "the stream back")

        back = interruptions[0]
        self.assertFalse(back.app_restarted)
        self.assertEqual(back.base_url, app.base_url)
        self.assertEqual([e.event_type for e in back.missed], ["model_loaded", "mode_changed"])
        self.assertEqual(back.status.vlm_model if back.status else None, STATUS["vlm_model"])
        self.assertLessEqual(back.interrupted_at, back.resumed_at)
        self.assertEqual(len(events), 1, "missed events go to the interruption, not replayed to the listeners")

    def test_the_stream_follows_an_app_restarted_on_another_port_with_another_token(self) -> None:
        first = FakeApp(STATUS, token="a" * 64)
        second = FakeApp(STATUS, token="b" * 64)
        self.addCleanup(first.stop)
        self.addCleanup(second.stop)
        folder = Path(tempfile.mkdtemp(prefix="gpurm-api-json-"))
        api_json = folder / "api.json"

        def write_api_json(app: FakeApp) -> None:
            api_json.write_text(json.dumps({"base_url": app.base_url, "token": app.token}), encoding="utf-8")
        write_api_json(first)
        events: "List[ResourceChangedEvent]" = []
        interruptions: "List[StreamInterruption]" = []
        with GpuResourceManagerClient.connect(api_info_path=api_json) as grm:
            grm.on_resource_changed(events.append)
            grm.on_stream_interrupted(interruptions.append)
            second.push_event(fake_app.event("mode_changed", **{"from": "idle", "to": "idle"}))  # at the new start
            first.stop()
            api_json.unlink()
            write_api_json(second)  # and no call of the client's: the stream finds it alone
            until(lambda: bool(interruptions), "the stream back at the restarted app")
            second.push_event(fake_app.event("idle_unload", model="qwen3-vl:8b", idle_seconds=1))
            until(lambda: bool(events), "the restarted app's event heard")
        self.assertEqual(len(interruptions), 1)
        self.assertTrue(interruptions[0].app_restarted)
        self.assertEqual(interruptions[0].base_url, second.base_url)
        self.assertEqual([e.event_type for e in interruptions[0].missed], ["mode_changed"])
        self.assertEqual([e.event_type for e in events], ["idle_unload"])


if __name__ == "__main__":
    unittest.main()
