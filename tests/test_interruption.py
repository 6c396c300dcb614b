"""Nothing lost on interruption, proven across processes: a write killed at any moment leaves the old
file whole, and of two editors of one mapping the second to save is refused."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

ROOT = SAMPLE.parent
MAPPING = ROOT / "mappings" / "crm_to_erp.yaml"

# Run in a child: os.replace (the last step of every write) announces itself and waits to be killed.
HOLD_BEFORE_RENAME = """
import os, sys, time
real = os.replace
def held(src, dst):
    print("RENAMING", dst, flush=True)
    time.sleep(60)
    real(src, dst)
os.replace = held
"""


def _child(code: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _kill_when(child: subprocess.Popen, marker: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if marker in line:
            child.send_signal(signal.SIGKILL)
            child.wait()
            return
        if not line and child.poll() is not None:
            break
    child.kill()
    pytest.fail(f"the child never reached {marker!r}: {child.stderr.read()[-2000:]}")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the sample project (mapping, suites, data) the children write into."""
    for folder in ("mappings", "expectations"):
        (tmp_path / folder).mkdir()
        for f in (ROOT / folder).iterdir():
            (tmp_path / folder / f.name).write_bytes(f.read_bytes())
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    return tmp_path


@pytest.mark.parametrize(
    "action",
    [
        "mapping save",
        "suite write",
        "report write",
    ],
)
def test_a_write_killed_before_its_rename_leaves_the_old_file_whole(project, action):
    mapping = project / "mappings" / "crm_to_erp.yaml"
    suite = project / "expectations" / "crm_to_erp.source.json"
    report = project / "profile.html"
    report.write_text("the old report\n")
    target, code = {
        "mapping save": (
            mapping,
            "from kit.mapping.spec import Mapping\n"
            "m = Mapping.load('mappings/crm_to_erp.yaml')\n"
            "m.fields['name'].why = 'changed by the killed process'\n"
            "m.save()\n",
        ),
        "suite write": (
            suite,
            "import json\nfrom kit.expectations import Suites\n"
            "s = json.load(open('expectations/crm_to_erp.source.json'))\n"
            "s['expectations'] = s['expectations'][:1]\n"
            "Suites(s, json.load(open('expectations/crm_to_erp.target.json'))).write('expectations', 'crm_to_erp')\n",
        ),
        "report write": (
            report,
            "from kit.cli import main\n"
            "main(['profile', 'sample_data/erp_customers.csv', '--no-near', '--html', 'profile.html', '--redact'])\n",
        ),
    }[action]
    before = target.read_bytes()
    _kill_when(_child(HOLD_BEFORE_RENAME + code, project), "RENAMING")
    assert target.read_bytes() == before
    # What the killed process left is a hidden temporary file beside it, never the file itself.
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
    assert all(name.endswith(".tmp") for name in leftovers)


def test_a_large_write_killed_at_random_moments_is_old_or_new_never_half(tmp_path):
    target = tmp_path / "report.html"
    old, new = b"old\n" * 1_000_000, b"new\n" * 5_000_000
    target.write_bytes(old)
    code = (
        "from kit.files import write_atomic\n"
        "print('START', flush=True)\n"
        f"write_atomic({str(target)!r}, b'new\\n' * 5_000_000)\n"
        "print('DONE', flush=True)\n"
    )
    rng = random.Random(7)
    for _ in range(6):
        child = _child(code, tmp_path)
        assert "START" in child.stdout.readline()
        time.sleep(rng.uniform(0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert target.read_bytes() in (old, new)
    target.write_bytes(old)


def test_two_editors_in_two_processes_the_second_save_is_refused(project):
    second = _child(
        """
        import os, time
        from kit.mapping.spec import ConflictError, Mapping
        m = Mapping.load('mappings/crm_to_erp.yaml')
        print('LOADED', flush=True)
        while not os.path.exists('go'):
            time.sleep(0.05)
        m.fields['name'].why = 'the second editor'
        try:
            m.save()
            print('SAVED', flush=True)
        except ConflictError as exc:
            print('REFUSED', exc, flush=True)
        """,
        project,
    )
    assert "LOADED" in second.stdout.readline()
    first = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kit.mapping.spec import Mapping\n"
            "m = Mapping.load('mappings/crm_to_erp.yaml')\n"
            "m.fields['name'].why = 'the first editor'\n"
            "m.save()\n",
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert first.returncode == 0
    (project / "go").touch()
    out, err = second.communicate(timeout=120)
    assert out.startswith("REFUSED") and "changed on disk since it was loaded" in out, (out, err)
    text = (project / "mappings" / "crm_to_erp.yaml").read_text()
    assert "the first editor" in text and "the second editor" not in text


def test_a_device_or_pipe_is_written_to_not_replaced(tmp_path):
    """``--json /dev/null`` once renamed a regular file over /dev/null: a pipe stands in for it here."""
    import os
    import threading

    from kit.files import write_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "profile\n")
    reader.join(timeout=10)
    assert got == [b"profile\n"]
    assert not fifo.is_file() and fifo.exists()  # still the pipe
