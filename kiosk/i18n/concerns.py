"""The default concern categories (domain research §6.2): ids, translatable labels, German keywords.

The German keyword is shown under the label in every language and is never translated: it is
the word printed on the letters visitors bring ("Jobcenter", "Kindergeld", "Ausländerbehörde"),
so a visitor can match their letter to a button. A site may configure its own list; the ids
below are the ones the statistics and the store use.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n.messages import NP_, Contextual
from kiosk.i18n.translator import translator


@dataclass(frozen=True, slots=True)
class Concern:
    """One concern category.

    Attributes:
        id: stable id stored with the visit and used in statistics.
        label_msgid: the translation key of its label — msgctxt "concern" and the English
            label as msgid (not the id), translated per visitor.
        keyword_de: the German word(s) from official letters, shown untranslated.
    """

    id: str
    label_msgid: Contextual
    keyword_de: str


DEFAULT_CONCERNS: tuple[Concern, ...] = (
    Concern("post", NP_("concern", "Understanding letters & forms"), "Briefe · Formulare"),
    Concern("jobcenter", NP_("concern", "Jobcenter & benefits"), "Jobcenter · Bürgergeld"),
    Concern(
        "aufenthalt",
        NP_("concern", "Residence status & immigration office"),
        "Ausländerbehörde · Aufenthalt",
    ),
    Concern(
        "wohnen",
        NP_("concern", "Housing (flat, rent, housing benefit)"),
        "Miete · Wohngeld · WBS",
    ),
    Concern(
        "energie",
        NP_("concern", "Electricity, gas, internet & contracts"),
        "Strom · Gas · Vertrag",
    ),
    Concern(
        "familie",
        NP_("concern", "Family & children (birth, child benefit, nursery)"),
        "Kindergeld · Kita · Familienkasse",
    ),
    Concern("schule", NP_("concern", "School & vocational training"), "Schule · Ausbildung"),
    Concern(
        "deutsch",
        NP_("concern", "German & integration courses"),
        "Deutschkurs · Integrationskurs",
    ),
    Concern(
        "arbeit",
        NP_("concern", "Work & recognition of qualifications"),
        "Arbeit · Anerkennung",
    ),
    Concern(
        "gesundheit",
        NP_("concern", "Health & health insurance"),
        "Krankenkasse · Arzt",
    ),
    Concern(
        "geld",
        NP_("concern", "Money, bank account & debts"),
        "Bankkonto · Schulden · Mahnung",
    ),
    Concern("mobilitaet", NP_("concern", "Bus & train tickets"), "Bus & Bahn · Ticket"),
    Concern(
        "begegnung",
        NP_("concern", "Leisure, language café & neighbourhood"),
        "Sprachcafé · Freizeit",
    ),
    Concern(
        "ehrenamt",
        NP_("concern", "I want to help (volunteering)"),
        "Ehrenamt",
    ),
    Concern("sonstiges", NP_("concern", "Not sure / Private"), "Sonstiges"),
)
"""The 15 default categories in display order; "sonstiges" (not sure / private) is always last."""

_BY_ID: dict[str, Concern] = {c.id: c for c in DEFAULT_CONCERNS}


def concern(concern_id: str) -> Concern:
    """Return a default concern by id.

    Raises:
        KeyError: the id is not a default concern (the message names it).
    """
    try:
        return _BY_ID[concern_id]
    except KeyError:
        raise KeyError(f"unknown concern id {concern_id!r}") from None


def concern_label(concern_id: str, lang: str) -> str:
    """The concern's label in the visitor's language (use ``keyword_de`` for the line below)."""
    return translator(lang).pgettext(*concern(concern_id).label_msgid)
