"""A web worker stays light (issue 15): the app and its everyday pages load no spreadsheet,
PDF, image or barcode library, nor the migrations' alembic. Those load where they are used — an
XLSX upload or export, a PDF, a label, the two-factor enrolment's QR code, a command — or in
the rq worker."""
import json
import os
import subprocess
import sys

HEAVY = ("pandas", "numpy", "openpyxl", "reportlab", "PIL", "qrcode", "barcode", "zxingcpp",
         "pyzbar", "pypdf", "pypdfium2", "alembic", "flask_migrate", "mako", "pygments")

PROBE = """
import json, sys
from recond import create_app
app = create_app({"TESTING": True})
client = app.test_client()
for path in ("/healthz", "/login", "/api/v1/openapi.json", "/api/v1/scan?code=X"):
    client.get(path)
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in %r)))
"""


def test_the_app_and_its_everyday_pages_load_no_heavy_library(tmp_path):
    env = dict(os.environ, RECOND_INSTANCE_PATH=str(tmp_path), RECOND_SECRET_KEY="test-only",
               RECOND_DATABASE_URL=f"sqlite:///{tmp_path / 'recond.sqlite3'}")
    env.pop("RECOND_REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], f"a web worker imported {sorted({n.split('.')[0] for n in loaded})}"


def test_the_probe_sees_a_heavy_library(tmp_path):
    """The check itself can fail: rendering a label loads reportlab."""
    probe = PROBE.replace("print(", "import recond.labels.pdf\nprint(")
    env = dict(os.environ, RECOND_INSTANCE_PATH=str(tmp_path), RECOND_SECRET_KEY="test-only",
               RECOND_DATABASE_URL=f"sqlite:///{tmp_path / 'recond.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", probe % (HEAVY,)], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    assert "reportlab" in {n.split(".")[0] for n in json.loads(done.stdout.strip().splitlines()[-1])}
