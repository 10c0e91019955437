"""The direction of imports between the apps (pyproject.toml's [tool.importlinter] contracts): a new upward
import — awards importing review or publicity, core importing any app — fails here, function-local or not."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is not installed (requirements.txt pins it)"
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_an_upward_import_is_caught(tmp_path):
    """The contract is live: a module of awards importing publicity breaks it (checked on a copy)."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", "node_modules", ".git", "*.pyc", "__pycache__",
                                                              "media", "static*", "templates", "tests", "docs", "bench"))
    (copy / "awards" / "upward.py").write_text("def f():\n    from publicity import windows\n    return windows\n")
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    run = subprocess.run([lint, "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "awards.upward -> publicity.windows" in run.stdout
