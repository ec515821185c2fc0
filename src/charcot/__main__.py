"""``python -m charcot``: the same entry point as the ``charcot`` command."""

from charcot.cli import run

if __name__ == "__main__":
    run()
