"""A helper process for a report run's slow, independent work: the clinical plots and the PDF.

Importing WeasyPrint and matplotlib costs about as much as all the analyses of a case. ``charcot report``
(and ``demo``) start one helper process (forked, so it shares what is already imported) that imports both
while the main process reads the inputs and runs the analyses; the main process then hands it the plots to
draw and the finished HTML to lay out as PDF; while the helper draws the plots, the main process compiles the
report's HTML template (it needs it anyway), so that the print HTML is ready at once when the report is. The bytes are the same as when the main process does the work
itself: the helper runs the same functions on the same inputs. Without ``fork`` (not Linux), on one CPU, in a
process that already runs other threads, with ``CHARCOT_REPORT_HELPER=0``, or when no helper is active (the
library, the web app), everything runs in the calling process as before.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charcot.clinical.api import ClinicalAssessment
    from charcot.clinical.model import ClinicalCase

_active: _Helper | None = None
_open: list[_Helper] = []  # helpers started and not yet closed (closed at the latest as Python ends its threads)


def _bind_to_parent(parent: int) -> None:
    """The helper's first step, before it waits for any task: die with the main process (even a SIGKILLed one).
    Done later, in the first task, a main process killed before it handed that task over left the helper
    waiting for ever, holding the run's stderr open."""
    import ctypes
    import signal
    from contextlib import suppress

    for signum in (signal.SIGTERM, signal.SIGINT):  # the helper ends quietly; the main process reports
        signal.signal(signum, signal.SIG_DFL)
    with suppress(OSError, AttributeError):  # Linux has prctl
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the main process ended before the line above ran
        os._exit(0)


def _warm(pdf: bool, plots: bool) -> None:
    """Runs in the helper: the imports the later tasks need."""
    if plots:
        import charcot.clinical.api  # noqa: F401  (the plots' arguments are its types: unpickled without waiting)
        from charcot.clinical.plots import _figure

        _figure()
    if pdf:
        # light: the PDF is laid out without the report's models
        from charcot.report.render_pdf import warm_pdf

        warm_pdf()


def _plots(case: ClinicalCase, assessment: ClinicalAssessment, outdir: Path) -> dict[str, Path]:
    from charcot.clinical.api import render_plots

    return render_plots(case, assessment, outdir)


def _pdf(html: str) -> bytes:
    from charcot.report.render_pdf import pdf_from_html

    return pdf_from_html(html)


class _Helper:
    def __init__(self, *, pdf: bool, plots: bool) -> None:
        import multiprocessing

        from charcot.outputs import signals_held

        self.pdf, self.plots = pdf, plots
        with signals_held():  # the first submit forks: a SIGTERM there is acted on after it, not lost in a hook
            _close_at_thread_exit()
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_bind_to_parent, initargs=(os.getpid(),))
            self._owner = os.getpid()
            _open.append(self)
            self._warm: Future[None] = self._pool.submit(_warm, pdf, plots)

    def run(self, fn: Any, *args: Any) -> Any:
        return self._pool.submit(fn, *args).result()

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def close(self, *, failed: bool) -> None:
        """Stop the helper and join its pool's manager thread, with SIGTERM/SIGINT held until that is done.

        Left running, the manager thread races Python 3.11's exit handler for process pools, which wakes it through
        a pipe the thread may be closing at that moment: "OSError: [Errno 9] Bad file descriptor" and a traceback
        on stderr after a SIGTERM. A signal acted on in the middle of the shutdown left the thread running."""
        from charcot.outputs import signals_held

        with signals_held():
            if self not in _open:
                return
            if failed:  # e.g. bad input or SIGTERM: do not wait for the imports to finish
                for process in list((self._pool._processes or {}).values()):
                    process.kill()
                    process.join(5)
            self._pool.shutdown(wait=True, cancel_futures=True)  # quick once the worker is gone
            _open.remove(self)


_exit_hook = False


def _close_at_thread_exit() -> None:
    """Close, as Python starts to end its threads, any helper a signal left unclosed (between its start and its
    close). The hook runs before concurrent.futures' own (Python runs these hooks in reverse order of
    registration, and concurrent.futures registered its hook when this module imported it)."""
    global _exit_hook
    if _exit_hook:
        return
    import threading

    register = getattr(threading, "_register_atexit", None)
    if register is not None:  # CPython 3.9+
        register(_close_open_helpers)
        _exit_hook = True


def _close_open_helpers() -> None:
    for helper in list(_open):
        if helper._owner == os.getpid():  # the forked helper process inherits the list and the hook: not its own
            helper.close(failed=True)


def _usable(pdf: bool) -> bool:
    if os.environ.get("CHARCOT_REPORT_HELPER", "1").strip().lower() in ("0", "no", "off", "false"):
        return False
    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return False
    from charcot.outputs import fork_is_safe

    if not fork_is_safe():
        return False
    if pdf:
        import importlib.util

        if importlib.util.find_spec("weasyprint") is None:
            return False  # render_pdf raises its own clear error in this process
    return True


@contextmanager
def report_helper(*, pdf: bool, plots: bool = True) -> Iterator[None]:
    """While active, ``start_plots`` and ``render_pdf`` run in the helper process."""
    global _active
    if _active is not None or not _usable(pdf):
        yield
        return
    helper = _Helper(pdf=pdf, plots=plots)
    _active = helper
    failed = True
    try:
        yield
        failed = False
    finally:
        _active = None
        helper.close(failed=failed)


def start_plots(case: ClinicalCase, assessment: ClinicalAssessment, outdir: Path
                ) -> Callable[[], dict[str, Path]]:
    """Start the clinical plots as PNG files in ``outdir`` (in the helper process when one is active, else when the
    returned function is called); the returned function gives their paths. The caller can run other analyses
    meanwhile."""
    helper = _active
    if helper is not None and helper.plots:
        future: Future[dict[str, Path]] = helper.submit(_plots, case, assessment, outdir)
        return lambda: _finish_plots(future, helper.pdf)
    return lambda: _plots(case, assessment, outdir)


def _finish_plots(future: Future[dict[str, Path]], pdf: bool) -> dict[str, Path]:
    if pdf:
        _compile_template()  # this process would otherwise wait idle; the PDF then starts sooner
    return future.result()


def _compile_template() -> None:
    from charcot.report.render_html import environment

    environment().get_template("report.html.j2")


def start_pdf_html(html: str) -> Callable[[], bytes]:
    """Start laying out the PDF of an HTML report (in the helper process when one is active, else when the
    returned function is called); the returned function gives its bytes."""
    helper = _active
    if helper is not None and helper.pdf:
        future: Future[bytes] = helper.submit(_pdf, html)
        return future.result
    return lambda: _pdf(html)
