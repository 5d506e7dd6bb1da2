"""The Flask extensions, created unbound here and attached in `create_app` with `init_app`."""
from functools import cached_property

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so that migrations can name what they alter on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Migrations:
    """What Flask-Migrate keeps in `app.extensions["migrate"]` (its functions and our
    migrations' env.py read it), with Flask-Migrate itself — alembic, mako, pygments: some
    15 MB — imported only when a migration runs (`recond init`, the tests), never in a web
    worker."""

    def __init__(self, db: SQLAlchemy, directory: str) -> None:
        self.db = db
        self.directory = directory
        self.configure_args = {"compare_type": True, "render_as_batch": True}

    @property
    def metadata(self):
        return self.db.metadata

    @cached_property
    def migrate(self):
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
