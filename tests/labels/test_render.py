"""Every code printed decodes back to its payload, read by an independent decoder (zxing-cpp)
from the rendered PNG and from the PDF pages rasterised by PDFium."""
import io
import re

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from recond import public_id
from recond.labels import image, pdf, zpl
from recond.labels.content import LabelContent
from recond.labels.media import MEDIA


def _label(code=None, lines=("Ordinateur portable · Dell Latitude 5490 with a very long model name",
                             "Grade A · Linux Mint 22", "i5-8350U · 8 Go RAM · 256 Go")):
    code = code or public_id.generate()
    return LabelContent(code, f"https://recond.example.org/d/{code}", public_id.display(code), lines)


def _decoded(picture) -> set[tuple[str, str]]:
    return {(r.format.name, r.text) for r in zxingcpp.read_barcodes(picture)}


def _pages(document: bytes, dpi: int = 300):
    return [page.render(scale=dpi / 72).to_pil() for page in pypdfium2.PdfDocument(document)]


@pytest.mark.parametrize("medium", sorted(MEDIA))
@pytest.mark.parametrize("kind", ["id", "product"])
def test_a_png_label_decodes_on_every_medium(medium, kind):
    label = _label()
    picture = Image.open(io.BytesIO(image.png(label, MEDIA[medium], kind)))
    assert _decoded(picture) == {("QRCode", label.url), ("Code128", label.code)}


@pytest.mark.parametrize("medium", ["roll-62x29", "roll-57x32"])
def test_a_roll_has_one_label_per_page_each_decoding(medium):
    labels = [_label() for _ in range(3)]
    pages = _pages(pdf.render(labels, MEDIA[medium], "id", copies=2))
    assert len(pages) == 6
    for page, label in zip(pages, [l for l in labels for _ in range(2)]):
        assert _decoded(page) == {("QRCode", label.url), ("Code128", label.code)}


@pytest.mark.parametrize("medium", ["a4-3x7", "a4-2x7"])
def test_a_sheet_starts_where_asked_and_every_label_decodes(medium):
    sheet = MEDIA[medium]
    labels = [_label() for _ in range(sheet.per_page)]
    start = 5
    pages = _pages(pdf.render(labels, sheet, "product", start=start))
    assert len(pages) == 2  # the first page had start-1 slots already used
    found = _decoded(pages[0]) | _decoded(pages[1])
    assert found == {(f, t) for l in labels for f, t in (("QRCode", l.url), ("Code128", l.code))}
    first = next(r for r in zxingcpp.read_barcodes(pages[0]) if r.text == labels[0].url)
    left, top = sheet.position(start - 1)
    px = 300 / 25.4
    assert left * px <= first.position.top_left.x <= (left + sheet.label_w) * px
    assert top * px <= first.position.top_left.y <= (top + sheet.label_h) * px


@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_carries_both_codes_within_the_label(dpi):
    label = _label()
    medium = MEDIA["roll-62x29"]
    text = zpl.render([label], medium, "product", dpi=dpi, copies=3)
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    assert "^BQN,2," in text and f"^FDMA,{label.url}^FS" in text
    assert "^BCN," in text and f"^FD{label.code}^FS" in text and "^PQ3" in text
    width = round(medium.label_w * dpi / 25.4)
    assert f"^PW{width}" in text
    for x, y in re.findall(r"\^FO(\d+),(\d+)", text):
        assert 0 <= int(x) < width and 0 <= int(y) < round(medium.label_h * dpi / 25.4)


def test_zpl_never_lets_text_carry_a_command():
    label = _label(lines=("Model ^XZ^XA~JR evil",))
    text = zpl.render([label], MEDIA["roll-62x29"], "id")
    assert text.count("^XA") == 1 and "~JR" not in text


def test_svg_draws_the_same_codes():
    label = _label()
    drawing = image.svg(label, MEDIA["roll-57x32"], "id")
    assert drawing.startswith("<svg") and f'aria-label="{label.title}"' in drawing
    assert drawing.count("<rect") > 100


@pytest.mark.parametrize("medium", sorted(MEDIA))
@pytest.mark.parametrize("kind", ["id", "product"])
def test_bars_are_wide_enough_for_a_203_dpi_printer(medium, kind):
    from recond.labels.geometry import compute

    geometry = compute(MEDIA[medium], kind)
    assert geometry.bar_module >= 0.25  # 2 dots at 8 dots/mm
    assert geometry.barcode.x + geometry.barcode.w <= geometry.width - 1.5  # quiet zone kept


def test_random_labels_decode_at_printer_resolution():
    """The fixed QR mask and the bar widths hold for many payloads, at 203 dpi."""
    labels = [_label() for _ in range(150)]
    for label in labels:
        picture = Image.open(io.BytesIO(image.png(label, MEDIA["roll-57x32"], "id", dpi=203)))
        assert _decoded(picture) == {("QRCode", label.url), ("Code128", label.code)}, label.code
