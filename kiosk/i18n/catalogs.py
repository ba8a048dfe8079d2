"""Catalog maintenance with Babel: extract the template, merge it into each .po, compile .mo.

The ``.po`` files are the source of truth (translators edit them with normal tools); the
``.mo`` files are shipped build products, and ``stale_catalogs`` lets a test prove they match.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from kiosk import __version__
from kiosk.i18n.languages import UI_LANGUAGE_CODES, language_info
from kiosk.i18n.translator import DOMAIN, LOCALES_DIR, mo_path, po_path

SOURCE_DIR = LOCALES_DIR.parent.parent
"""The ``kiosk`` package directory, scanned for translatable literals."""

TEMPLATE_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
"""The message template every language's catalog is checked against."""

KEYWORDS: dict[str, object] = {
    **DEFAULT_KEYWORDS,
    "NN_": (1, 2),
    "NP_": ((1, "c"), 2),
}
"""Babel extraction keywords: gettext's defaults plus our plural and context markers."""

PROJECT = "lokal-willkommen-kiosk"
COPYRIGHT_HOLDER = "lokal willkommen"
HEADER_COMMENT = (
    "# Messages of the lokal willkommen check-in kiosk.\n"
    "# This file is distributed under the same license as the kiosk (EUPL-1.2).\n"
    "# msgids are English; keep {placeholders} unchanged; short, polite, simple sentences.\n"
    "#"
)

_BRACE_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names used in a message (``{minutes}`` -> ``minutes``)."""
    return set(_BRACE_FIELD.findall(text))


def extract_template(source_dir: Path = SOURCE_DIR) -> Catalog:
    """Extract every translatable literal under ``source_dir`` into a template catalog."""
    template = _new_catalog(None)
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source_dir),
        method_map,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        flags = ()
        texts = message if isinstance(message, tuple) else (message,)
        if any(placeholders(t) for t in texts):
            flags = ("python-brace-format",)
        relative = Path(filename).as_posix()
        template.add(
            message,
            locations=[(f"kiosk/{relative}", lineno)],
            auto_comments=comments,
            context=context,
            flags=flags,
        )
    return template


def _new_catalog(locale: str | None) -> Catalog:
    """An empty catalog with the project's header (Plural-Forms come from the locale)."""
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        project=PROJECT,
        version=__version__,
        copyright_holder=COPYRIGHT_HOLDER,
        msgid_bugs_address="",
        charset="utf-8",
        fuzzy=False,
    )


def catalog_locale(lang: str) -> str:
    """The Babel locale of a language's catalog (its plural rules): the code itself where
    Babel knows it, else the language's CLDR locale ("ls", Leichte Sprache, is German)."""
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return language_info(lang).babel_locale
    return lang


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Read a ``.po`` or ``.pot`` file (`locale` is a language code or a Babel locale)."""
    if locale is not None and "_" not in locale:
        with contextlib.suppress(ValueError):  # not one of our codes: a Babel locale as is
            locale = catalog_locale(locale)
    with path.open("rb") as fp:
        return read_po(fp, locale=locale, domain=DOMAIN)


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a ``.po``/``.pot`` file the way translators' tools expect (wrapped at 76)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=76, omit_header=False, include_previous=True)
    path.write_bytes(buf.getvalue())


def update_catalogs(
    template: Catalog,
    languages: Iterable[str] = UI_LANGUAGE_CODES,
    locales_dir: Path = LOCALES_DIR,
) -> list[Path]:
    """Write the template and merge it into each language's ``.po`` (new msgids come in empty).

    Returns:
        The files written.
    """
    written = [locales_dir / f"{DOMAIN}.pot"]
    write_catalog(template, written[0])
    for lang in languages:
        path = po_path(lang, locales_dir)
        catalog = read_catalog(path, locale=lang) if path.exists() \
            else _new_catalog(catalog_locale(lang))
        catalog.update(template, update_header_comment=False)
        write_catalog(catalog, path)
        written.append(path)
    return written


def compiled_bytes(po_file: Path, lang: str) -> bytes:
    """Compile one ``.po`` to ``.mo`` bytes in memory (fuzzy entries excluded, as gettext does)."""
    catalog = read_catalog(po_file, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _mo_content(data: bytes) -> tuple[object, ...]:
    """What a ``.mo`` means to gettext: plural rule and every (context, id, string).

    Bytes are not compared, because Babel writes its own version into the header: a newer
    Babel would otherwise make every shipped ``.mo`` look stale.
    """
    catalog = read_mo(io.BytesIO(data))
    entries = sorted((repr(m.context), repr(m.id), repr(m.string)) for m in catalog if m.id)
    return (catalog.plural_forms, *entries)


def _is_current(target: Path, fresh: bytes) -> bool:
    return target.exists() and _mo_content(target.read_bytes()) == _mo_content(fresh)


def compile_catalogs(
    languages: Iterable[str] = UI_LANGUAGE_CODES, locales_dir: Path = LOCALES_DIR
) -> list[Path]:
    """Compile each language's ``.po`` to the ``.mo`` shipped beside it; return changed files."""
    changed = []
    for lang in languages:
        data = compiled_bytes(po_path(lang, locales_dir), lang)
        target = mo_path(lang, locales_dir)
        if not _is_current(target, data):
            target.write_bytes(data)
            changed.append(target)
    return changed


def stale_catalogs(
    languages: Iterable[str] = UI_LANGUAGE_CODES, locales_dir: Path = LOCALES_DIR
) -> list[str]:
    """Languages whose shipped ``.mo`` is missing or says something else than its ``.po``."""
    return [
        lang
        for lang in languages
        if not _is_current(
            mo_path(lang, locales_dir), compiled_bytes(po_path(lang, locales_dir), lang)
        )
    ]
