"""How the benchmark scripts end: a `BenchError` as one line on standard error, not a traceback.

Standard library only (make_workloads.py imports it too).
"""
import sys
from pathlib import Path


class BenchError(Exception):
    """An error that ends the run with a message (no traceback)."""


def run(main, script):
    """Calls `main()`; a `BenchError` ends the process with `SCRIPT: error: …` and status 1,
    Ctrl-C with `SCRIPT: interrupted` and status 130. `script` is the caller's `__file__`."""
    name = Path(script).name
    try:
        main()
    except BenchError as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        sys.exit(130)
