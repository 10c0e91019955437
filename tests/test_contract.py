"""The shared contract checker against a live server, as the issues require."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The shared checker sits beside the repository (../shared); a clone elsewhere finds it via SHARED_DIR or /work/shared.
_CANDIDATES = [Path(__file__).resolve().parents[2] / "shared", Path(os.environ.get("SHARED_DIR", "/work/shared"))]
CHECKER = next((c / "contract" / "check_contract.py" for c in _CANDIDATES if (c / "contract" / "check_contract.py").exists()),
               _CANDIDATES[0] / "contract" / "check_contract.py")


@pytest.mark.skipif(not CHECKER.exists(), reason="shared contract checker not present")
@pytest.mark.django_db(transaction=True)
def test_contract_shape_holds(live_server):
    out = subprocess.run([sys.executable, str(CHECKER), live_server.url], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "contract shape holds" in out.stdout
