#!/usr/bin/env python3
"""Bad configurations and an environment a service cannot work in (issue 23): the headless jar started once per
case, as systemd would, with a truncated JSON, a wrong type, a negative value, an unknown key, a taken control-API
port, and a data folder it cannot write. Each must end at once with its sysexits code (78, 69, 73), one line on
stderr naming the cause, no stack trace, and the configuration file byte for byte as it was.

    python3 tools/chaos/bad-configs.py
"""
import hashlib
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR  # noqa: E402

USABLE = ('"ollama_endpoint": "http://127.0.0.1:9", "nvml_library_path": "/nonexistent/libnvidia-ml.so",'
          ' "nvidia_smi_path": "/nonexistent", "clip_model_path": "/nonexistent/clip.pt", "proxy_port": 0')


def run(case_dir, config_text, data_dir=None):
    config = case_dir / "config.json"
    config.write_bytes(config_text.encode())
    before = hashlib.sha256(config.read_bytes()).hexdigest()
    env = dict(os.environ, XDG_DATA_HOME=str(data_dir or case_dir / "data"))
    started = time.monotonic()
    done = subprocess.run(["java", "-jar", str(JAR), "--headless", "--config", str(config)], env=env,
                          capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    untouched = hashlib.sha256(config.read_bytes()).hexdigest() == before
    traces = sum(1 for line in (done.stdout + done.stderr).splitlines()
                 if line.lstrip().startswith("at ") or "Exception" in line)
    return done.returncode, done.stderr.strip().splitlines(), untouched, traces, took


def main():
    if not JAR.exists():
        sys.exit("%s is missing: build it with ./mvnw -B -ntp -DskipTests package" % JAR)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    cases = [
        ("truncated JSON", '{"api_port": 0, "idle_time', 78, None),
        ("wrong type", '{"api_port": "11436"}', 78, None),
        ("negative value", '{"idle_timeout_seconds": -5}', 78, None),
        ("unknown key", '{"idle_timout_seconds": 30}', 78, None),
        ("port taken", '{%s, "api_port": %d}' % (USABLE, taken.getsockname()[1]), 69, None),
        ("data folder not writable", '{%s, "api_port": 0}' % USABLE, 73, "unwritable"),
    ]
    print("| case | exit code | stderr | stack-trace lines | file byte-identical | ended after |")
    print("|---|---|---|---|---|---|")
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        for i, (name, text, want, special) in enumerate(cases):
            case_dir = pathlib.Path(scratch) / ("case%d" % i)
            case_dir.mkdir()
            data = None
            if special == "unwritable":
                data = case_dir / "data"
                data.mkdir()
                folder = data / "gpu-resource-manager"
                if os.geteuid() == 0:
                    folder.write_text("a file where the folder should be: root writes through mode bits")
                else:
                    folder.mkdir()
                    folder.chmod(0o555)
            code, lines, untouched, traces, took = run(case_dir, text, data)
            shown = lines[0].replace("|", "/") if len(lines) == 1 else "%d lines" % len(lines)
            print("| %s | %d | %s | %d | %s | %.2f s |" % (name, code, shown, traces, "yes" if untouched else "NO", took))
            ok &= code == want and len(lines) == 1 and traces == 0 and untouched
    taken.close()
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
