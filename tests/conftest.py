from __future__ import annotations

import os
from pathlib import Path

import pytest

# Notebooks run headlessly in the tests; their kernels inherit this and draw no progress bars.
os.environ["KIT_PROGRESS"] = "0"

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture
def write(tmp_path: Path):
    """write(name, bytes_or_text, encoding="utf-8") -> Path in a temporary folder."""

    def _write(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


def _pg_bin(name: str) -> str | None:
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


PG_PASSWORD = "kit-test-secret-7f3a"


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the session: ``initdb`` in a temporary folder, started on a Unix
    socket there, password login (scram), stopped and removed afterwards. Yields the URL with the
    password (``postgresql://kit:...@/postgres?host=...&port=...``). As root, the server runs as the
    ``postgres`` user (PostgreSQL refuses to run as root)."""
    import shutil
    import subprocess
    import tempfile

    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL server binaries (.ci/run installs Debian's postgresql with apt-get)")
    folder = Path(tempfile.mkdtemp(prefix="kitpg"))  # short: a socket path is limited to ~100 bytes
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    pwfile = folder / "pw"
    pwfile.write_text(PG_PASSWORD + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres")
    data, port = folder / "data", 54000 + os.getpid() % 1000

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_user, *cmd], capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr or done.stdout}")

    run(initdb, "-D", str(data), "-U", "kit", "-A", "scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync")
    opts = f"-k {folder} -c listen_addresses='' -p {port} -c fsync=off"
    run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(folder / "log"), "-w", "start")
    try:
        yield f"postgresql://kit:{PG_PASSWORD}@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin(postgres):
    """Run SQL as the cluster's owner (to set tables up; the kit itself only reads)."""
    import adbc_driver_postgresql.dbapi as driver

    def execute(*statements: str) -> None:
        with driver.connect(postgres) as conn:
            cur = conn.cursor()
            for sql in statements:
                cur.execute(sql)
            conn.commit()

    return execute
