"""HTML and JSON views. Each view parses input, calls one domain function, and renders."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from recond.blueprints import api, auth, devices, errors, home, presentation

    presentation.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(devices.bp)
    app.register_blueprint(api.bp)
