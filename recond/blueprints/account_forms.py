"""WTForms for organisations and accounts: each field labelled, validated, CSRF-protected."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from recond.documents import cerfa_16216 as cerfa
from recond.errors import InvalidInput
from recond.identity import passwords


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=5)])
    insee_code = StringField(_l("INSEE commune code"), validators=[Optional(), Length(max=5)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])

    def values(self) -> dict:
        return {name: (field.data or "") for name, field in self._fields.items()
                if name not in ("csrf_token", "kind")}


class ReceiptProfileForm(FlaskForm):
    """What a donation receipt (Cerfa n° 16216) prints about an organisation. The status
    options are the form's own wording, in French: the receipt is a French tax document."""
    legal_form = StringField(_l("Legal form (association loi 1901, SAS…)"),
                             validators=[Optional(), Length(max=100)])
    address = StringField(_l("Street address"), validators=[Optional(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=5)])
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    rna = StringField(_l("RNA number (an association without SIREN)"),
                      validators=[Optional(), Length(max=10)])
    tax_status = SelectField(_l("Status on form 16216"), choices=lambda: [("", _l("—"))] + list(
        cerfa.STATUSES.items()))
    tax_status_detail = StringField(_l("Detail of the status (decree of recognition, other "
                                       "organism…)"), validators=[Optional(), Length(max=300)])
    purpose = TextAreaField(_l("Object"), validators=[Optional(), Length(max=500)])
    signatory_name = StringField(_l("Signatory's name"), validators=[Optional(), Length(max=200)])
    signatory_position = StringField(_l("Signatory's position (president, treasurer…)"),
                                     validators=[Optional(), Length(max=200)])

    def values(self) -> dict:
        return {name: (field.data or "") for name, field in self._fields.items()
                if name != "csrf_token"}


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"))
    manager = BooleanField(_l("Manager: invites and manages the organisation's staff"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"))
    manager = BooleanField(_l("Manager: invites and manages the organisation's staff"))


class NameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("The same password again"),
                            validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))])


class InvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


def refused_on_form(form: NewPasswordForm, refusal: InvalidInput) -> bool:
    """Put a refused password back on its form, the reason under the field (the page prints the
    rule once, above). False when the refusal is not about the new password."""
    reason = passwords.FORM_REASONS.get(refusal.code)
    if reason is None:
        return False
    form.password.errors.append(reason)
    return True
