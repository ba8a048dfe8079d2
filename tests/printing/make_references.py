"""Make the reference renders: ``python -m tests.printing.make_references``.

Run once, look at every PNG (Arabic and Persian joined and right to left, Ethiopic and
Cyrillic whole), commit them. Run again only when the ticket's layout changes on purpose.
"""

from __future__ import annotations

from kiosk.printing.render import render_ticket
from tests.printing.samples import LANGS, REFERENCES, WIDTHS, sample


def main() -> None:
    REFERENCES.mkdir(exist_ok=True)
    for lang in LANGS:
        path = REFERENCES / f"ticket-{lang}.png"
        render_ticket(sample(lang), WIDTHS[lang]).save(path, optimize=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
