"""The donor impact report as a PDF, in the reader's language: the headline figures, the table
by category, the emission factors used with their sources and dates, and the method in two
sentences. Counts only: never a beneficiary, a structure or a price."""
from __future__ import annotations

from xml.sax.saxutils import escape

from flask_babel import format_datetime, gettext

from recond.clock import utcnow
from recond.collection import impact


def build(report: impact.ImpactReport) -> bytes:
    from recond.documents import pdf  # reportlab loads with the first PDF, not in every worker

    lines = report.lines + [report.total]
    story = [
        pdf.Paragraph(escape(gettext("Donor impact report")), pdf.TITLE),
        pdf.Paragraph(escape(gettext("What the devices given by %(donor)s became, %(period)s.",
                                          donor=report.donor.name,
                                          period=impact.period_label(report.period))), pdf.SMALL),
        pdf.spacer(2),
        pdf.key_values(impact.summary(report)),
        pdf.Paragraph(escape(gettext("By category")), pdf.HEADING),
        pdf.grid(impact.columns(), [impact.row(line) for line in lines],
                 [26, 16, 18, 18, 18, 18, 18, 20, 18]),
    ]
    if report.uncounted:
        story.append(pdf.Paragraph(escape(gettext(
            "Devices handed over whose category has no emission factor count no greenhouse "
            "gases avoided: %(categories)s.",
            categories=", ".join(line.label for line in report.uncounted))), pdf.SMALL))
    story += [
        pdf.Paragraph(escape(gettext("Emission factors used")), pdf.HEADING),
        pdf.grid(impact.factor_columns(), impact.factor_rows(report), [24, 20, 82, 24, 20]),
        pdf.Paragraph(escape(gettext("Method")), pdf.HEADING),
        pdf.text(" ".join(str(sentence) for sentence in impact.METHOD)),
        pdf.spacer(4),
        pdf.Paragraph(escape(gettext(
            "Figures read from Recond on %(when)s. No information about the people who received "
            "the devices is part of this report.",
            when=format_datetime(utcnow(), "dd/MM/yyyy HH:mm"))), pdf.SMALL),
    ]
    return pdf.render(gettext("Donor impact report — %(donor)s", donor=report.donor.name), story,
                      subject=gettext("donor impact report"))
