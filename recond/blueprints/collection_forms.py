"""WTForms for the collection pages: each field labelled, validated, and CSRF-protected."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from recond.categories import CATEGORIES
from recond.errors import InvalidInput
from recond.documents import cerfa_16216 as cerfa


def category_choices(blank: bool = False) -> list[tuple[str, object]]:
    choices = [(code, c.label) for code, c in CATEGORIES.items()]
    return ([("", _l("—"))] if blank else []) + choices


class DonorForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[DataRequired(), Length(max=20)])
    address = StringField(_l("Head office address"), validators=[Optional(), Length(max=300)])


class DonorIdentityForm(FlaskForm):
    """What the donation receipt prints about the donor company."""
    legal_form = StringField(_l("Legal form (SAS, SARL, association…)"),
                             validators=[Optional(), Length(max=100)])
    address = StringField(_l("Head office address"), validators=[Optional(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(r"^\d{5}$")])
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])


class SiteForm(FlaskForm):
    label = StringField(_l("Site name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Regexp(r"^\d{5}$")])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])


class PledgeForm(FlaskForm):
    donor = SelectField(_l("Donor company"), coerce=int)
    site = SelectField(_l("Pickup site"), coerce=int, validate_choice=False)
    workshop = SelectField(_l("Workshop"), coerce=int)
    available_from = DateField(_l("Available from"), validators=[Optional()])
    category_1 = SelectField(_l("Category"), choices=category_choices)
    quantity_1 = IntegerField(_l("Quantity"), validators=[DataRequired(), NumberRange(1, 100000)])
    category_2 = SelectField(_l("Category"), choices=lambda: category_choices(blank=True))
    quantity_2 = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, 100000)])
    category_3 = SelectField(_l("Category"), choices=lambda: category_choices(blank=True))
    quantity_3 = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, 100000)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=1000)])

    def items(self) -> list[tuple[str, int]]:
        pairs = [(self.category_1, self.quantity_1), (self.category_2, self.quantity_2),
                 (self.category_3, self.quantity_3)]
        return [(c.data, q.data) for c, q in pairs if c.data and q.data]


class PickupForm(FlaskForm):
    pickup_on = DateField(_l("Pickup date"), validators=[DataRequired()])
    slot = StringField(_l("Time slot"), validators=[DataRequired(), Length(max=40)])


def basis_choices(blank: bool = False) -> list[tuple[str, object]]:
    choices = list(cerfa.VALUATION_BASIS_LABELS.items())
    return ([("", _l("—"))] if blank else []) + choices


class ValuationForm(FlaskForm):
    # Parsed by money.parse_euros, the one money parser: to the cent, never rounded.
    amount = StringField(_l("Value declared by the donor (€)"), validators=[DataRequired(), Length(max=20)])
    basis = SelectField(_l("Basis of the valuation"), choices=basis_choices)
    signatory = StringField(_l("Declared by (name, position)"), validators=[DataRequired(), Length(max=200)])


class CorrectionForm(FlaskForm):
    """A corrective receipt: why, and the new value when the donor declared one."""
    reason = TextAreaField(_l("Why the receipt is corrected"),
                           validators=[DataRequired(), Length(max=500)])
    amount = StringField(_l("New value declared by the donor (€), if it changed"),
                         validators=[Optional(), Length(max=20)])
    basis = SelectField(_l("Basis of the new valuation"), choices=lambda: basis_choices(blank=True))
    signatory = StringField(_l("New value declared by (name, position)"),
                            validators=[Optional(), Length(max=200)])


class RegisterForm(FlaskForm):
    category = SelectField(_l("Category"), choices=category_choices)
    brand = StringField(_l("Brand"), validators=[Optional(), Length(max=100)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=200)])
    serial = StringField(_l("Serial number"), validators=[Optional(), Length(max=100)])
    asset_tag = StringField(_l("Asset tag"), validators=[Optional(), Length(max=100)])
    ram = StringField(_l("Memory"), validators=[Optional(), Length(max=30)])
    storage = StringField(_l("Storage"), validators=[Optional(), Length(max=30)])
    cpu = StringField(_l("Processor"), validators=[Optional(), Length(max=100)])


class UploadForm(FlaskForm):
    manifest = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired()])


class CommitForm(FlaskForm):
    all_or_nothing = BooleanField(_l("All or nothing: import nothing if any row has an error"),
                                  default=True)


def refusal(form: FlaskForm) -> InvalidInput:
    """What a form that did not validate answers: each field's label and messages (422)."""
    return InvalidInput("; ".join(f"{form[name].label.text}: {' '.join(errors)}"
                                  for name, errors in form.errors.items()),
                        details={"fields": form.errors})
