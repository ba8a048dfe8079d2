"""``python -m kiosk.i18n.compile [--check]``: rebuild the shipped ``.mo`` files from the ``.po``.

With ``--check`` nothing is written; the exit status is 1 when a ``.mo`` is missing or stale,
so CI and a test catch a translator's edit that was never compiled.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.i18n.catalogs import compile_catalogs, stale_catalogs


def main(argv: list[str] | None = None) -> int:
    """Compile (or check) every UI language's catalog; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.i18n.compile", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale .mo files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_catalogs()
        if stale:
            print(f"stale or missing .mo for: {', '.join(stale)}", file=sys.stderr)
            print("run `python -m kiosk.i18n.compile`", file=sys.stderr)
            return 1
        print("all .mo files are up to date")
        return 0
    changed = compile_catalogs()
    for path in changed:
        print(f"compiled {path}")
    if not changed:
        print("all .mo files were already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
