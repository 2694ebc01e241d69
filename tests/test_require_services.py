"""A test whose service is unreachable skips on a laptop and fails in CI (MANBA_TEST_REQUIRE_SERVICES)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtureweb import free_port
from tests.conftest import REPO, REQUIRE_SERVICES_ENV

NEEDS_POSTGRES = """
def test_needs_postgres(postgres_database):
    pass
"""


@pytest.mark.parametrize(("required", "outcome"), [(None, "1 skipped"), ("0", "1 skipped"), ("1", "1 error")])
def test_an_unreachable_postgres_skips_unless_required(
    tmp_path: Path, required: str | None, outcome: str
) -> None:
    (tmp_path / "test_tiny.py").write_text(NEEDS_POSTGRES, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANBA_")}
    # Nothing listens on a port just found free: the connection is refused at once.
    env.update(PYTHONPATH=str(REPO), MANBA_TEST_POSTGRES_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    if required is not None:
        env[REQUIRE_SERVICES_ENV] = required
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-q", "-rs",
         "--rootdir", str(tmp_path), "test_tiny.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert outcome in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PostgreSQL" in result.stdout
    assert result.returncode == (1 if required == "1" else 0)
    if required == "1":
        assert f"PostgreSQL is required ({REQUIRE_SERVICES_ENV} is set)" in result.stdout
