"""WTForms for the structures' side: the directory, requests, beneficiaries, sessions, payments."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from recond import clock
from recond.blueprints.collection_forms import category_choices
from recond.distribution.equipment_requests import PURPOSE_LABELS
from recond.distribution.payments import KIND_LABELS, METHOD_LABELS
from recond.distribution.pricing import BENEFICIARY_TIERS, TIER_LABELS


class StructureForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(r"^\d{5}$")])
    insee_code = StringField(_l("Commune INSEE code"), validators=[Optional(), Length(min=5, max=5)])
    phone = StringField(_l("Help phone number"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("Help e-mail"), validators=[Optional(), Email(), Length(max=254)])
    qpv = BooleanField(_l("In a priority neighbourhood (QPV)"))


class StructureContactForm(FlaskForm):
    """What a structure corrects on its own entry."""
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(r"^\d{5}$")])
    phone = StringField(_l("Help phone number"), validators=[Optional(), Length(max=30)])
    email = EmailField(_l("Help e-mail"), validators=[Optional(), Email(), Length(max=254)])


class PlacesImportForm(FlaskForm):
    places = FileField(_l("Open-data file of the lieux de médiation numérique (CSV)"),
                       validators=[FileRequired()])
    departement = StringField(_l("Département"), default="92",
                              validators=[DataRequired(), Regexp(r"^(\d{2,3}|2[ABab])$")])


class RequestForm(FlaskForm):
    purpose = SelectField(_l("What for"), choices=list(PURPOSE_LABELS.items()))
    justification = TextAreaField(_l("Why you need it (who, for what use)"),
                                  validators=[DataRequired(), Length(max=2000)])


LINE_COUNT = 3


def add_line_fields(form_class):
    """Three request lines: category, quantity, minimum memory and storage."""
    for n in range(1, LINE_COUNT + 1):
        blank = n > 1
        setattr(form_class, f"category_{n}", SelectField(
            _l("Category"), choices=(lambda b=blank: category_choices(blank=b))))
        setattr(form_class, f"quantity_{n}", IntegerField(
            _l("Quantity"), validators=[Optional() if blank else DataRequired(), NumberRange(1, 500)]))
        setattr(form_class, f"min_ram_{n}", IntegerField(
            _l("Minimum memory (GB)"), validators=[Optional(), NumberRange(1, 1024)]))
        setattr(form_class, f"min_storage_{n}", IntegerField(
            _l("Minimum storage (GB)"), validators=[Optional(), NumberRange(1, 100000)]))
    return form_class


add_line_fields(RequestForm)


class BeneficiaryForm(FlaskForm):
    reference = StringField(_l("Your file reference (no name)"),
                            validators=[DataRequired(), Length(max=40)])
    tier = SelectField(_l("Eligibility"), choices=[(t.value, TIER_LABELS[t]) for t in BENEFICIARY_TIERS])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(r"^\d{5}$")])


def _today_here():
    """A session is most often recorded the day it is held: today, in the users' time zone."""
    return clock.local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"])


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()], default=_today_here)
    duration = IntegerField(_l("Duration (minutes)"), default=120,
                            validators=[DataRequired(), NumberRange(1, 480)])
    trainer = StringField(_l("Trainer"), validators=[DataRequired(), Length(max=200)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    staff = TextAreaField(_l("Staff present (one name per line, for equipment of the structure's own use)"),
                          validators=[Optional(), Length(max=2000)])


class SessionCorrectionForm(SessionForm):
    reason = StringField(_l("Why you correct it"), validators=[DataRequired(), Length(max=500)])


class PaymentForm(FlaskForm):
    kind = SelectField(_l("Entry"), choices=list(KIND_LABELS.items()), default="payment")
    amount = StringField(_l("Amount (€, to the cent; a correction may be negative)"),
                         validators=[DataRequired(), Length(max=20)])
    method = SelectField(_l("Method"), choices=list(METHOD_LABELS.items()))
    reason = StringField(_l("Reason (required for a correction or a refund)"),
                         validators=[Optional(), Length(max=500)])


class TopicForm(FlaskForm):
    label = StringField(_l("New topic"), validators=[DataRequired(), Length(max=120)])
