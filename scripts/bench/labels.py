"""Benchmark: a 1,000-label PDF and 1,000 ZPL labels, beside the bare QR matrices.

Run by hand, never as a test; record the result and the command in docs/benchmarks.md.

    .venv/bin/python scripts/bench/labels.py --labels 1000

The floor is computing the QR matrices of the same 1,000 payloads with qrcode, with the fixed
mask labels use (what every label needs at the least); the library's default (trying all
eight masks) is shown too. The PDF adds the Code 128, the text and reportlab's output.
"""
from __future__ import annotations

import argparse
import os
import time

import qrcode

from recond import public_id
from recond.labels import pdf, zpl
from recond.labels.content import LabelContent
from recond.labels.geometry import qr_matrix
from recond.labels.media import MEDIA


def _default_matrix(payload: str):
    code = qrcode.QRCode(version=4, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--profile", action="store_true",
                        help="also print where one A4 PDF spends its time (cProfile, by own time)")
    args = parser.parse_args()
    codes = public_id.generate_many(args.labels)
    labels = [LabelContent(c, f"https://recond.example.org/d/{c}", public_id.display(c),
                           ("Ordinateur portable · Dell Latitude 5490", "Grade A · Linux Mint 22",
                            "i5-8350U · 8 Go RAM · 256 Go")) for c in codes]
    floor = timed(lambda: [qr_matrix(label.url) for label in labels])
    library_default = timed(lambda: [_default_matrix(label.url) for label in labels])
    rows = [("floor: QR matrices (fixed mask, as labels use)", floor),
            ("QR matrices, library default (best of 8 masks)", library_default)]
    for medium in ("a4-3x7", "roll-62x29"):
        rows.append((f"PDF {medium}", timed(lambda: pdf.render(labels, MEDIA[medium], "product"))))
    for dpi in (203, 300):
        rows.append((f"ZPL {dpi} dpi", timed(lambda: zpl.render(labels, MEDIA["roll-62x29"], "product", dpi=dpi))))
    print(f"\n{args.labels:,} product labels, best of 3, {os.cpu_count()} cores\n")
    print("| what | seconds | labels/s | time / floor |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {args.labels / seconds:,.0f} | {seconds / floor:.2f} |")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(pdf.render, labels, MEDIA["a4-3x7"], "product")
        print()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
