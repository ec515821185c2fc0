"""The report helper process (charcot.report.helper): the PDF and plots it makes are the bytes the main process
would make, and it never outlives the main process (issue 20: `charcot demo` imported WeasyPrint and matplotlib
one after the other on the critical path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from charcot.report import helper

SRC = Path(__file__).resolve().parents[2] / "src"

# Run in a fresh single-threaded process (the helper is not used where other threads run, e.g. pytest-xdist).
SCRIPT = """
import json, os, threading
from datetime import UTC, datetime
from charcot.report import helper
from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir
from charcot.report.render_html import environment, render_html
from charcot.report.render_pdf import pdf_from_html, start_pdf
from charcot.report.render_json import render_json

inputs = CaseInputs(clinical=demo_dir() / "demo_case.yaml", run_time=datetime(2026, 11, 21, tzinfo=UTC))
with helper.report_helper(pdf=True):
    active = helper._active
    other_pid = active.run(os.getpid) if active else None
    with_helper = build_report(inputs)  # its plots are drawn in the helper
    # the template was compiled while the helper drew the plots, not after the report was built (issue 20)
    compiled = environment.cache_info().currsize > 0 and any(
        key[1] == "report.html.j2" for key in environment().cache.keys())
    pdf = start_pdf(with_helper)()
alone = build_report(inputs)
print(json.dumps({"helper": active is not None, "other_process": other_pid not in (None, os.getpid()),
                  "json_same": render_json(with_helper) == render_json(alone),
                  "plots": len(alone.clinical.plots) > 0,
                  "pdf_same": pdf == pdf_from_html(render_html(alone, for_pdf=True)),
                  "compiled_during_plots": compiled, "after": helper._active is None}))
"""


def test_the_helper_draws_the_same_plots_and_pdf() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("CHARCOT_REPORT_HELPER", None)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"helper": True, "other_process": True, "json_same": True, "plots": True, "pdf_same": True,
                   "compiled_during_plots": True, "after": True}


def test_no_helper_when_switched_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHARCOT_REPORT_HELPER", "0")
    with helper.report_helper(pdf=True):
        assert helper._active is None


def test_a_failed_run_stops_the_helper(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    # other tests in this pytest worker may have child processes of their own: only this run's count
    before = {p.pid for p in multiprocessing.active_children()}
    res = run_cli("report", "--vcf", tmp_path / "missing.vcf.gz", "--outdir", tmp_path / "out")
    assert res.code == 2 and "Traceback" not in res.stderr
    left = [p for p in multiprocessing.active_children() if p.pid not in before]
    assert helper._active is None and not left


def test_a_failed_run_leaves_no_pool_thread_for_the_exit_handler() -> None:
    """A killed run (bad input, SIGTERM) closes the helper with failed=True. Its pool's manager thread must be
    joined there: left alive, concurrent.futures' exit handler wakes it through a pipe that the thread may be
    closing at that moment, and prints a traceback ('Bad file descriptor') on stderr as the process ends (seen in
    tests/safety/test_kill.py)."""
    import concurrent.futures.process as cfp
    import gc

    before = {id(t) for t in list(cfp._threads_wakeups) if t.is_alive()}  # another test's pools are not ours
    h = helper._Helper(pdf=False, plots=False)
    h.close(failed=True)
    gc.collect()
    assert not [t for t in list(cfp._threads_wakeups) if t.is_alive() and id(t) not in before]


def test_sigterm_while_the_helper_forks_ends_the_run_quietly() -> None:
    """A SIGTERM that arrives while the helper forks is acted on after the fork. Raised inside one of Python's
    at-fork hooks (logging's lock release), it was printed as 'Exception ignored ... Traceback ... SystemExit: 143'
    and lost (seen in tests/safety/test_kill.py). The hook here sends the signal at exactly that moment."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import os, signal
        from charcot.outputs import _GUARD
        from charcot.report import helper
        os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGTERM))
        with _GUARD.active():
            h = helper._Helper(pdf=False, plots=False)
            print("the run went on after SIGTERM", flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 128 + 15 and "went on" not in done.stdout


def _traced_order(inputs: str, traced: tuple[str, ...]) -> dict[str, object]:
    """Build a report with the helper in a fresh process, recording the order in which the named functions of
    charcot.report.build, and the helper's start_plots/_finish_plots, were called."""
    script = f"""
import json
from charcot.report import build, helper
from charcot.report.build import CaseInputs
from charcot.report.demo import demo_dir, demo_inputs

events = []
def wrap(module, name):
    inner = getattr(module, name)
    def traced(*args, **kwargs):
        events.append(name)
        return inner(*args, **kwargs)
    setattr(module, name, traced)
for name in {traced!r}:
    wrap(build, name)
wrap(helper, "start_plots"); wrap(helper, "_finish_plots")
with helper.report_helper(pdf=True):
    report = build.build_report({inputs})
print(json.dumps({{"events": events, "plots": len(report.clinical.plots)}}))
"""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("CHARCOT_REPORT_HELPER", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    got: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def test_the_therapies_are_matched_while_the_helper_draws_the_plots() -> None:
    """Issue 20: the main process waited for the plots and only then matched the therapies; they now run while the
    helper draws (the template is compiled in the same wait)."""
    got = _traced_order('CaseInputs(clinical=demo_dir() / "demo_case.yaml")', ("_therapies",))
    assert got["events"] == ["start_plots", "_therapies", "_finish_plots"] and got["plots"] > 0  # type: ignore[operator]


def test_a_failure_while_the_plots_are_pending_removes_their_folder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from charcot.report import build
    from charcot.report.demo import demo_dir

    made = _recorded_plot_folders(monkeypatch)
    _fails(monkeypatch, build, "_therapies", build.CaseInputs(clinical=demo_dir() / "demo_case.yaml"))
    plot_folders = [m for m in made if "charcot-plots-" in m]
    assert plot_folders and not any(Path(m).exists() for m in plot_folders)


def test_the_plots_are_drawn_while_the_genetics_and_family_sections_are_built() -> None:
    """Issue 20: the plots were asked for after the genetics, family and clinical sections, and the main process then
    waited for them; they are now started as soon as the repeat genotype is known (the clinical assessment needs
    nothing else), so the helper draws them while those sections are built."""
    got = _traced_order("demo_inputs()", ("_genetics", "_family", "_clinical", "_therapies"))
    assert got["events"] == ["start_plots", "_genetics", "_family", "_clinical", "_therapies", "_finish_plots"]
    assert got["plots"] > 0  # type: ignore[operator]


def _recorded_plot_folders(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    import tempfile

    from charcot.report import build

    made: list[str] = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        folder = real(*args, **kwargs)
        made.append(folder.name)
        return folder

    monkeypatch.setattr(build.tempfile, "TemporaryDirectory", recording)
    return made


def _fails(monkeypatch, module, name: str, inputs) -> None:  # type: ignore[no-untyped-def]
    """Make ``module.name`` raise, and check that building the report raises that error."""
    import pytest

    from charcot.report import build

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"{name} failed")

    monkeypatch.setattr(module, name, failing)
    with pytest.raises(RuntimeError, match=f"{name} failed"):
        build.build_report(inputs)


def test_a_failure_in_the_genetics_while_the_plots_are_pending_removes_their_folder(monkeypatch) -> None:  # type: ignore[no-untyped-def]

    from charcot.report import build
    from charcot.report.demo import demo_inputs

    made = _recorded_plot_folders(monkeypatch)
    _fails(monkeypatch, build, "_genetics", demo_inputs())
    plot_folders = [m for m in made if "charcot-plots-" in m]
    assert plot_folders and not any(Path(m).exists() for m in plot_folders)


def test_a_failed_clinical_assessment_is_raised_after_the_other_sections_errors(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The clinical record is assessed before the genetics and family sections are built, but its error is raised
    where it always was: a run with a bad clinical record and a failing genetics section reports the genetics error;
    with the clinical error alone, that error, and no plots are started."""
    import pytest

    from charcot.clinical import api
    from charcot.errors import InputError
    from charcot.report import build
    from charcot.report.demo import demo_inputs

    made = _recorded_plot_folders(monkeypatch)

    def bad_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise InputError("the clinical record is inconsistent")

    monkeypatch.setattr(api, "assess", bad_record)
    with pytest.raises(InputError, match="clinical record is inconsistent"):
        build.build_report(demo_inputs())
    assert not [m for m in made if "charcot-plots-" in m]
    _fails(monkeypatch, build, "_genetics", demo_inputs())


def _manager_threads_script(body: str) -> str:
    """A script whose threading exit hook (run after charcot's, before concurrent.futures' own) prints how many
    process-pool manager threads are still alive when Python starts to end its threads."""
    import textwrap

    return textwrap.dedent("""
        import os, signal, sys, threading
        import concurrent.futures.process as cfp
        from charcot.outputs import _GUARD
        from charcot.report import helper
        main = os.getpid()
        def check():  # (the forked helper inherits the hook: only the main process reports)
            alive = [t for t in list(cfp._threads_wakeups) if t.is_alive()]
            if os.getpid() == main:
                print(f"manager threads alive at exit: {len(alive)}", file=sys.stderr, flush=True)
        threading._register_atexit(check)
    """) + textwrap.dedent(body)


def test_sigterm_while_the_helper_closes_waits_for_the_close() -> None:
    """A SIGTERM that arrives while the helper's pool is being shut down is acted on after the shutdown. Acted on
    at once, the manager thread stayed alive, and concurrent.futures' exit handler raced it for a pipe it was
    closing: 'Exception ignored ... OSError: [Errno 9] Bad file descriptor' (CI, tests/safety/test_kill.py). The
    pool's shutdown here sends the signal to its own process first."""
    script = _manager_threads_script("""
        with _GUARD.active():
            h = helper._Helper(pdf=False, plots=False)
            h._warm.result()
            shutdown = h._pool.shutdown
            def signalled(*args, **kwargs):
                os.kill(os.getpid(), signal.SIGTERM)
                return shutdown(*args, **kwargs)
            h._pool.shutdown = signalled
            h.close(failed=True)
            print("the run went on after SIGTERM", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 128 + 15 and "went on" not in done.stdout
    assert "manager threads alive at exit: 0" in done.stderr, done.stderr


def test_a_helper_never_closed_is_closed_before_python_ends_its_threads() -> None:
    """A SIGTERM acted on between the helper's start and its close leaves a pool that nobody closes (here it is
    still referenced, as an exception's frames would keep it). Its manager thread must still be gone before
    concurrent.futures' exit handler runs."""
    script = _manager_threads_script("""
        with _GUARD.active():
            h = helper._Helper(pdf=False, plots=False)
            os.kill(os.getpid(), signal.SIGTERM)
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 128 + 15
    assert "manager threads alive at exit: 0" in done.stderr, done.stderr


def test_a_main_process_killed_as_the_helper_starts_leaves_no_helper_behind() -> None:
    """SIGKILL of the main process right after the helper forked, before the helper was handed its first task:
    the helper waited for that task for ever, holding the run's stderr open (a caller reading it hung: seen in
    tests/safety/test_kill.py on a loaded machine). The helper now ties its life to the main process before it
    waits for any task."""
    import textwrap

    script = textwrap.dedent("""
        import os, signal
        from charcot.report import helper
        os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGKILL))
        helper._Helper(pdf=False, plots=False)
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == -9, done.stderr


PRELOAD_SCRIPT = """
import json, sys
from charcot.report import helper
seen = []
real = helper._Helper.__init__
def init(self, **kwargs):
    seen.append("charcot.clinical.api" in sys.modules)
    real(self, **kwargs)
helper._Helper.__init__ = init
from charcot.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seen": seen}))
"""


def test_the_clinical_modules_are_imported_once_before_the_helper_is_forked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: with a clinical record both processes imported charcot.clinical.api (and pydantic) after the fork,
    ~0.25 s of CPU twice; it is now imported before the helper starts. A run without a clinical record or phenopacket
    does not import it for the helper."""
    from charcot.report.demo import demo_dir

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("CHARCOT_REPORT_HELPER", None)
    runs = {"clinical": ["--clinical", str(demo_dir() / "demo_case.yaml")],
            "str": ["--str", str(demo_dir() / "demo.str.vcf")]}
    got = {}
    for name, args in runs.items():
        out = subprocess.run([sys.executable, "-c", PRELOAD_SCRIPT, "-q", "report", *args, "--no-pdf",
                              "--outdir", str(tmp_path / name)], env=env, capture_output=True, text=True, check=True)
        got[name] = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["clinical"] == {"code": 0, "seen": [True]}
    assert got["str"] == {"code": 0, "seen": [False]}
    assert (tmp_path / "clinical" / "report.html").exists() and (tmp_path / "str" / "report.html").exists()


FORK_SCRIPT = """
import json, sys
from charcot.report import helper
seen = []
real = helper._Helper.__init__
def init(self, **kwargs):
    seen.append(sorted(m for m in ("charcot.report.build", "charcot.report.model") if m in sys.modules))
    real(self, **kwargs)
helper._Helper.__init__ = init
from charcot.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seen": seen}))
"""


def test_the_demo_forks_its_helper_before_the_analyses_are_imported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: `charcot demo` imported charcot.report.build (the analyses and the report's models) before the
    helper was forked, because charcot.report.demo imported it to spell the command line; the helper then started
    its own imports ~0.2 s later than in `charcot report`. The analyses are now imported after the fork."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("CHARCOT_REPORT_HELPER", None)
    out = subprocess.run([sys.executable, "-c", FORK_SCRIPT, "-q", "demo", "--no-pdf", "--outdir", str(tmp_path / "d")],
                         env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"code": 0, "seen": [[]]}
    assert (tmp_path / "d" / "report.html").exists()


def test_the_helper_lays_out_the_pdf_without_the_report_models() -> None:
    """The helper's PDF step (and its warm-up) must not import the report's models after the fork (issue 20)."""
    script = ("import sys\nfrom charcot.report import render_pdf\nrender_pdf.warm_pdf()\n"
              "print(sorted(m for m in sys.modules if m.startswith('charcot.report.') or m == 'pydantic'))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['charcot.report.render_pdf', 'charcot.report.weasy']"
