"""WSGI entry point: `gunicorn wsgi:app`."""
import sys

from recond import create_app
from recond.config import ConfigError
from recond.serving import quiet_gunicorn

quiet_gunicorn()  # no `Server: gunicorn` banner

try:
    app = create_app()
except ConfigError as error:
    print(f"recond: configuration error: {error}", file=sys.stderr, flush=True)
    # 4 is gunicorn's "App failed to load": the arbiter stops instead of respawning workers.
    sys.exit(4)
