"""``python -m kiosk.i18n.extract``: refresh kiosk.pot from the code and merge it into each .po.

Run it after adding or changing a message; new msgids arrive empty in every catalog and the
completeness test fails until they are translated. The ``.mo`` files are recompiled too
(their header carries the template date), so after translating only ``compile`` remains.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.i18n.catalogs import compile_catalogs, extract_template, update_catalogs


def main(argv: list[str] | None = None) -> int:
    """Extract the template and update the catalogs; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.i18n.extract", description=__doc__)
    parser.parse_args(argv)
    for path in update_catalogs(extract_template()):
        print(f"wrote {path}")
    for path in compile_catalogs():
        print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
