"""The capture command itself (scripts/capture-hardware), run on this machine with the real
lshw, smartctl and dmidecode, then posting its file with a technician's token, as a
technician would on a live USB key. Skipped where the tools are missing or not root."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from recond import lifecycle
from recond.extensions import db
from recond.identity import accounts
from recond.models import HardwareCapture
from recond.workshop import hardware_inventory

SCRIPT = Path(__file__).parents[2] / "scripts" / "capture-hardware"
# scripts/services installs the tools, and CI runs as root: there, never skipped.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI")
    and (shutil.which("lshw") is None or shutil.which("curl") is None or os.geteuid() != 0),
    reason="needs lshw and curl, as root (apt-get install lshw smartmontools dmidecode curl)")


def test_the_command_writes_one_capture_file_recond_reads(tmp_path):
    out = tmp_path / "capture.json"
    done = subprocess.run(["sh", str(SCRIPT), "-o", str(out)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    inventory = hardware_inventory.read(out.read_bytes())
    assert inventory.cpu and inventory.ram_gb and "lshw" in inventory.sources


def test_the_command_posts_its_file_with_the_technician_s_token(world, live_server, tmp_path):
    device = lifecycle.register(world["collector_a"], world.deposits["a"], category="desktop",
                                brand="", model="", serial=None, specs={}, media=[])
    db.session.commit()
    world.advance(device, "received")
    token = accounts.create_token(world["tech_a"])
    db.session.commit()
    env = dict(os.environ, RECOND_URL=live_server, RECOND_TOKEN=token)
    done = subprocess.run(["sh", str(SCRIPT), "-o", str(tmp_path / "c.json"), "-d",
                           device.public_id], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f'"device":"{device.public_id}"' in done.stdout.replace(" ", "")
    db.session.expire_all()
    assert db.session.query(HardwareCapture).filter_by(device_id=device.id).count() == 1
