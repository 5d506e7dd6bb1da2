"""The coordination's settings of the help a device's public page offers (`/d/<ID>` for
anyone holding the device): the support line, where to find a place, beginner's guides."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from recond.blueprints.guard import current_actor, requires
from recond.distribution import public_help
from recond.errors import Conflict, InvalidInput
from recond.extensions import db

bp = Blueprint("public_help", __name__)


@bp.route("/settings/public-help", methods=["GET", "POST"])
@requires("public_help.edit")
def edit():
    if request.method == "GET":
        return _page(public_help.current(), {})
    typed = request.form.to_dict()
    try:
        public_help.update(current_actor(), typed)
    except (InvalidInput, Conflict) as problem:
        db.session.rollback()
        # The same form, as typed, each wrong value's reason beside it.
        return _page(public_help.current(), typed, problem), problem.status
    db.session.commit()
    flash(_l("Help links saved: every device's public page shows them now."), "success")
    return redirect(url_for("public_help.edit"))


def _page(current, typed: dict, problem=None):
    values = {name: typed.get(name, getattr(current, name)) for name in
              (*public_help.URL_FIELDS, "support_phone", "support_hours")}
    guides = [(name, typed.get(public_help.GUIDE_PREFIX + name, current.guides.get(name, "")))
              for name in public_help.os_names()]
    return render_template("public_help/edit.html", values=values, guides=guides,
                           prefix=public_help.GUIDE_PREFIX, problem=problem,
                           errors=problem.details.get("fields", {}) if problem else {})
