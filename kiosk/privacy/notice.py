"""The privacy notice (GDPR Art. 13) a visitor reads where the name is asked, as plain text.

The visitor screens show it through their `Wording` (right-to-left lines, digits); the
words are gettext messages like every other visitor text, so all UI languages have them.
"""

from __future__ import annotations

from kiosk.i18n import messages as M
from kiosk.i18n.translator import translator


def _days(template: str, days: int, lang: str, native_digits: bool) -> str:
    # Babel loads with the first number shown, not with the terminal (tests/ui_visitor/
    # test_startup.py): the name screen comes late in the flow.
    from kiosk.i18n.formatting import format_number

    return template.format(days=format_number(days, lang, native_digits))


def short_notice(lang: str, retention_days: int, native_digits: bool = False) -> str:
    """Under the name field: who sees the name, how long it is kept, where to ask."""
    t = translator(lang)
    return _days(t.ngettext(*M.PRIVACY_SHORT, retention_days), retention_days, lang,
                 native_digits)


def full_notice(lang: str, retention_days: int, native_digits: bool = False) -> list[str]:
    """The full notice, paragraph by paragraph: controller, purpose and legal basis,
    retention, rights, complaint."""
    t = translator(lang)
    return [t.gettext(M.PRIVACY_CONTROLLER), t.gettext(M.PRIVACY_PURPOSE),
            _days(t.ngettext(*M.PRIVACY_RETENTION, retention_days), retention_days, lang,
                  native_digits),
            t.gettext(M.PRIVACY_RIGHTS), t.gettext(M.PRIVACY_COMPLAINT)]
