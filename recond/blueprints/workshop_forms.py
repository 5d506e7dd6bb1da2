"""Forms of the workshop's pages: scans, wipe logs, labels and the OS catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from recond.labels.media import MEDIA


class ScanForm(FlaskForm):
    code = StringField(_l("Scan or type a serial number, asset tag or ID"),
                       validators=[DataRequired(), Length(max=300)])


class WipeLogForm(FlaskForm):
    log = FileField(_l("Wipe log (nwipe or ShredOS)"), validators=[FileRequired()])


class LabelsForm(FlaskForm):
    deposit = StringField(_l("Deposit number"), validators=[Optional(), Length(max=20)])
    ids = TextAreaField(_l("Or device IDs, one per line (scan them)"), validators=[Optional(), Length(max=60000)])
    kind = SelectField(_l("Label"), choices=[("id", _l("ID label")), ("product", _l("Product label"))])
    media = SelectField(_l("Medium"), choices=lambda: [(m.code, m.name) for m in MEDIA.values()])
    copies = IntegerField(_l("Copies of each"), default=1, validators=[NumberRange(1, 50)])
    start = IntegerField(_l("Start at position (partly used sheet)"), default=1,
                         validators=[NumberRange(1, 21)])
    fmt = SelectField(_l("Format"), choices=[("pdf", "PDF"), ("zpl", _l("ZPL (Zebra)"))])
    dpi = SelectField(_l("Zebra resolution"), choices=[("203", "203 dpi"), ("300", "300 dpi")])


class OsImageForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    version = StringField(_l("Version"), validators=[DataRequired(), Length(max=40)])
    family = SelectField(_l("Installs on"), choices=[("computers", _l("computers and tablets")),
                                                     ("phones", _l("phones"))])
    image_sha256 = StringField(_l("Image checksum (SHA-256)"), validators=[Optional(), Length(max=64)])


class HardwareCaptureForm(FlaskForm):
    capture = FileField(_l("Capture file (written by the capture command, or lshw -json)"),
                        validators=[FileRequired()])
    device = StringField(_l("Device ID (leave empty to find the device by the machine's serial "
                            "number)"), validators=[Optional(), Length(max=40)])
