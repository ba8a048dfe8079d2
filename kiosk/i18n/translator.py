"""Per-language gettext translators, loaded from the shipped ``.mo`` files, never process-wide.

The kiosk changes language with every visitor, and the staff console may show another
language at the same time, so nothing here calls ``locale.setlocale`` or
``gettext.install``: each caller asks for ``translator(lang)`` and passes the language along.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from pathlib import Path

from kiosk.i18n.languages import LanguageInfo, ui_language

DOMAIN = "kiosk"
"""The gettext domain: ``locales/<lang>/LC_MESSAGES/kiosk.po``."""

LOCALES_DIR = Path(str(resources.files("kiosk.i18n") / "locales"))
"""Where the catalogs ship inside the package."""


class CatalogMissingError(RuntimeError):
    """Raised when a UI language's compiled catalog is not installed."""

    code = "i18n.catalog_missing"


def mo_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Path of a language's compiled catalog."""
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def po_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Path of a language's source catalog (what translators edit)."""
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class Translator:
    """The messages of one language; cheap to share, safe to use from any thread.

    Get one with ``translator(lang)``. A msgid missing from the catalog comes back as the
    English msgid (gettext's fallback), which the completeness test prevents from shipping.
    """

    __slots__ = ("_catalog", "info")

    def __init__(self, info: LanguageInfo, catalog: gettext.NullTranslations) -> None:
        self.info = info
        self._catalog = catalog

    @property
    def lang(self) -> str:
        """The language code ("fa")."""
        return self.info.code

    @property
    def direction(self) -> str:
        """ "rtl" or "ltr", for layout mirroring and the bidi helper."""
        return self.info.direction

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message with plural forms chosen by the language's own rule for ``n``."""
        return self._catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """Translate a message in a context (e.g. "concern")."""
        return self._catalog.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """Translate a message with both context and plural forms."""
        return self._catalog.npgettext(context, singular, plural, n)

    def __repr__(self) -> str:
        return f"<Translator {self.lang}>"


def load_translator(lang: str, locales_dir: Path = LOCALES_DIR) -> Translator:
    """Load a fresh translator from ``locales_dir`` (uncached; tests and tools use this).

    Raises:
        UnknownLanguageError: ``lang`` is not a UI language.
        CatalogMissingError: the ``.mo`` file is absent (run ``python -m kiosk.i18n.compile``).
    """
    info = ui_language(lang)
    path = mo_path(info.code, locales_dir)
    try:
        with path.open("rb") as fp:
            catalog = gettext.GNUTranslations(fp)
    except FileNotFoundError:
        raise CatalogMissingError(
            f"compiled catalog for {lang!r} not found at {path}; run `python -m kiosk.i18n.compile`"
        ) from None
    return Translator(info, catalog)


@cache
def translator(lang: str) -> Translator:
    """The shared translator for a UI language, loaded once per process.

    Raises:
        UnknownLanguageError: ``lang`` is not a UI language.
        CatalogMissingError: its compiled catalog is not installed.
    """
    return load_translator(lang)
