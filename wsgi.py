"""WSGI entry point: `gunicorn wsgi:app`."""
from recond import create_app

app = create_app()
