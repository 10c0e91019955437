"""The embedded default (`make run`: SQLite, no Redis) holds a county's concurrent load (#16 item 4): 20 applicants
submitting at the same moment all succeed, none waits past its turn. Before WAL, the busy timeout and IMMEDIATE
transactions, the same run answered "database is locked" or hung on lock upgrades."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_twenty_simultaneous_submissions_on_the_embedded_default_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", LOAD_N="20", MEDIA_ROOT=str(tmp_path / "media"))
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "core" / "sqlite_load.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["engine"].endswith("sqlite3")
    assert result["errors"] == [] and result["statuses"] == [302] * 20 and result["submitted"] == 20
