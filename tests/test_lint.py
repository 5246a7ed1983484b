"""ruff (lint and format) and mypy, as configured in pyproject.toml, are clean on the code (pinned in
requirements-dev.txt)."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -r requirements-dev.txt)")
    return subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


CODE = ("gallery", "armlocal", "bench", "policy", "provider")


def test_ruff_is_clean():
    done = _run("ruff", "check", *CODE)
    assert done.returncode == 0, f"ruff check failed:\n{done.stdout}{done.stderr}"


def test_ruff_format_is_kept():
    done = _run("ruff", "format", "--check", *CODE, "tests")
    assert done.returncode == 0, f"ruff format --check failed (run `ruff format`):\n{done.stdout}{done.stderr}"


def test_mypy_is_clean():
    done = _run("mypy")  # files and options from [tool.mypy] in pyproject.toml
    assert done.returncode == 0, f"mypy failed:\n{done.stdout}{done.stderr}"
