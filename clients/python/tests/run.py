"""Runs the client's tests and ends with one summary line, 'python-client: N passed, N failed, N skipped'.

    python clients/python/tests/run.py      # with gpurm_client importable (installed, or PYTHONPATH=clients/python/src)

Exits non-zero when a test failed or none ran.
"""

from __future__ import annotations

import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    started = time.monotonic()
    suite = unittest.defaultTestLoader.discover(str(HERE), top_level_dir=str(HERE.parent))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    import gpurm_client
    print(f"gpurm_client {gpurm_client.__version__} from {Path(gpurm_client.__file__).parent}, Python "
          f"{sys.version.split()[0]}, {time.monotonic() - started:.1f} s")
    print(f"python-client: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
