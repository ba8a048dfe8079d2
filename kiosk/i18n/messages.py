"""Every visitor-facing message id, named once, so screens cannot drift from the catalogs.

The msgids are English (the usual gettext convention: translators in every language read
English, and an untranslated message still makes sense). German is a translation like any
other. ``python -m kiosk.i18n.extract`` reads the markers below (``N_``, ``NN_``, ``NP_``) and
every ``gettext``/``ngettext``/``pgettext`` call with a literal in ``kiosk/`` into
``locales/kiosk.pot``. Placeholders use ``str.format`` names (``{minutes}``); a test checks that
every translation keeps them.
"""

from __future__ import annotations

from typing import NamedTuple


class Plural(NamedTuple):
    """A message with plural forms: pass ``*msg, n`` to ``Translator.ngettext``."""

    singular: str
    plural: str


class Contextual(NamedTuple):
    """A message with a gettext context: pass ``*msg`` to ``Translator.pgettext``."""

    context: str
    message: str


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it (translation happens per visitor)."""
    return message


def NN_(singular: str, plural: str) -> Plural:
    """Mark a plural msgid pair for extraction."""
    return Plural(singular, plural)


def NP_(context: str, message: str) -> Contextual:
    """Mark a msgid with context for extraction."""
    return Contextual(context, message)


# --- welcome / language -------------------------------------------------------------------
WELCOME = N_("Welcome")

# --- outside consulting hours -------------------------------------------------------------
CLOSED_NOW = N_("We are closed right now.")
# TRANSLATORS: {when} is a formatted weekday, date and time, e.g. "Tuesday, 2 December, 14:00".
NEXT_OPENING = N_("We open again: {when}")
CLOSED_CHECKIN_ALLOWED = N_("You can still take a number.")
CLOSED_CHECKIN_REFUSED = N_("Please come back during opening hours.")
# TRANSLATORS: shown alone when the office closes while a visitor is checking in.
CLOSED_DURING_CHECKIN = N_("We are closed now. Please come back during opening hours.")

# --- concern ------------------------------------------------------------------------------
CONCERN_TITLE = N_("What is it about?")
CONCERN_HINT = N_("You can choose several or none.")
CONTINUE = N_("Continue")

# --- appointment --------------------------------------------------------------------------
HAVE_APPOINTMENT = N_("I have an appointment")
APPOINTMENT_CODE_PROMPT = N_("Please enter your appointment code.")
# TRANSLATORS: the key that empties the typed code or name on the on-screen keyboard.
CLEAR = N_("Clear")
APPOINTMENT_CODE_EMPTY = N_("Please enter the code.")
APPOINTMENT_NOT_FOUND = N_("This code was not found. Please check it or ask at the desk.")
APPOINTMENT_CONFIRMED = N_("Thank you. Your arrival is confirmed.")

# --- language of counselling --------------------------------------------------------------
COUNSEL_LANGUAGE_TITLE = N_("In which language do you want to talk?")
# TRANSLATORS: {language} is the language's own name in its own script, e.g. "Kurmancî".
# An interpreter speaks (German "Dolmetschen"), it is not a written translation; no office can
# promise one, so the sentence says that it will try.
INTERPRETER_SEARCH = N_("We will try to find an interpreter for {language}.")
OTHER_LANGUAGE = N_("I need another language")
WHICH_LANGUAGE = N_("Which language do you need?")
LANGUAGE_NOT_LISTED = N_("My language is not in the list")

# --- name (optional) ----------------------------------------------------------------------
NAME_PROMPT = N_("Your first name (optional)")
NAME_WHY = N_("We ask so that we can greet you. Your name is never shown on the screen.")
NO_NAME = N_("Continue without a name")
# TRANSLATORS: {max} is a number of characters.
NAME_TOO_LONG = N_("This name is too long. Please use at most {max} characters.")
NAME_BAD_CHARS = N_("Some characters are not allowed. Please use letters only.")

# --- ticket -------------------------------------------------------------------------------
YOUR_NUMBER = N_("Your number")
# TRANSLATORS: {minutes} is an already formatted number. Keep the number in every form.
WAIT_ABOUT = NN_("Waiting time: about {minutes} minute", "Waiting time: about {minutes} minutes")
WAIT_UNKNOWN = N_("We cannot estimate the waiting time yet.")
# TRANSLATORS: {count} is an already formatted number (never 0). Keep it in every form.
PEOPLE_BEFORE = NN_("{count} person is waiting ahead of you.",
                    "{count} people are waiting ahead of you.")
NOBODY_BEFORE = N_("No one is waiting ahead of you.")
TAKE_SEAT = N_("Please take a seat. Your number will be shown on the screen.")
# TRANSLATORS: shown when the terminal prints the ticket.
TAKE_TICKET = N_("Please take your ticket.")
THANK_YOU = N_("Thank you!")

# --- navigation, idle, privacy, help ------------------------------------------------------
BACK = N_("Back")
START_AGAIN = N_("Start again")
IDLE_TITLE = N_("Are you still there?")
# TRANSLATORS: the big button on the "Are you still there?" notice.
IDLE_YES = N_("Yes")
# TRANSLATORS: {seconds} is an already formatted number. Keep it in every form.
IDLE_COUNTDOWN = NN_(
    "The screen starts again in {seconds} second.",
    "The screen starts again in {seconds} seconds.",
)
IDLE_TAP = N_("Tap the screen to continue.")
HELP_DESK = N_("Do you need help? Please ask at the desk.")

CONCERN_CONTEXT = "concern"
"""The msgctxt of every concern label (labels are short and could clash with other uses)."""

# --- when the terminal itself fails ------------------------------------------------------
TERMINAL_NOT_WORKING = N_("This terminal is not working right now. Please ask at the desk.")

# --- privacy notice (GDPR Art. 13), on the name screen -----------------------------------
# TRANSLATORS: under the name field. {days} is an already formatted number; keep it in every
# form. Plain words: who sees the name, how long it is kept, where to ask.
PRIVACY_SHORT = NN_(
    "Only the staff of this office see your name. It is deleted after {days} day. "
    "Questions? Please ask at the desk.",
    "Only the staff of this office see your name. It is deleted after {days} days. "
    "Questions? Please ask at the desk.",
)
# TRANSLATORS: the tile that opens the full privacy notice.
PRIVACY_MORE = N_("About your data")
PRIVACY_TITLE = N_("Your data at lokal willkommen")
# TRANSLATORS: the controller. "lokal willkommen" is a name: do not translate it.
PRIVACY_CONTROLLER = N_(
    "Responsible: the lokal willkommen office network in Dortmund (the City of Dortmund "
    "with its welfare partners). Staff at the desk can give you the contact of the data "
    "protection officer.")
PRIVACY_PURPOSE = N_(
    "Why: to call you by your number, to prepare your counselling in your language, and "
    "for anonymous figures. Legal basis: the office's public task (GDPR Art. 6(1)(e)); your "
    "first name only with your consent (Art. 6(1)(a)). You can leave it out.")
# TRANSLATORS: {days} is an already formatted number; keep it in every form.
PRIVACY_RETENTION = NN_(
    "How long: your name and notes are deleted after {days} day. Only anonymous figures "
    "stay (day, language, topic).",
    "How long: your name and notes are deleted after {days} days. Only anonymous figures "
    "stay (day, language, topic).",
)
PRIVACY_RIGHTS = N_(
    "Your rights: you can ask what we store about you, get a copy, have it corrected or "
    "deleted. Ask at the desk with your number or appointment code.")
# TRANSLATORS: LDI NRW is the name of the authority; keep it and the web address.
PRIVACY_COMPLAINT = N_(
    "You can complain to the data protection authority of North Rhine-Westphalia: LDI NRW, "
    "Düsseldorf, www.ldi.nrw.de.")

# --- the copy of a visitor's data (GDPR Art. 15), printed or handed over -----------------
EXPORT_TITLE = N_("Copy of your data (GDPR Art. 15)")
# TRANSLATORS: {office} is the office's name, {date} a formatted date.
EXPORT_INTRO = N_("{office} holds the following data about you on {date}.")
# TRANSLATORS: {day} is a formatted date, {ticket} a number like A-017 (never translated).
EXPORT_VISIT = N_("Visit on {day}, number {ticket}")
# TRANSLATORS: {when} is a formatted date and time.
EXPORT_APPOINTMENT = N_("Appointment on {when}")
EXPORT_FIRST_NAME = N_("First name")
EXPORT_NAME = N_("Name")
EXPORT_PHONE = N_("Phone")
EXPORT_NOTE = N_("Note by the staff")
EXPORT_TOPICS = N_("Topics")
EXPORT_LANGUAGE = N_("Language of counselling")
EXPORT_INTERPRETER = N_("Interpreter for")
EXPORT_RESULT = N_("Result")
EXPORT_REFERRAL = N_("Referred to")
# TRANSLATORS: shown instead of a value that is not stored (e.g. no name was given).
EXPORT_NONE = N_("(not stored)")
# TRANSLATORS: how a visit ended, in the copy of a visitor's data.
OUTCOME_RESOLVED = N_("Question answered")
OUTCOME_REFERRED = N_("Referred to a specialist service")
OUTCOME_FOLLOW_UP = N_("Follow-up appointment")
OUTCOME_OTHER = N_("Other")

# --- printing ------------------------------------------------------------------------------
# TRANSLATORS: on the ticket screen when the ticket printer fails; the number stays on screen.
PRINT_FAILED = N_("The ticket could not be printed. Please remember your number.")

# --- spoken by the waiting-room board ------------------------------------------------------
# TRANSLATORS: spoken aloud (never shown) when a number is called. {ticket} is the number as
# said aloud ("A 17"), {desk} the desk's number or name. Short: the waiting room hears it once.
ANNOUNCE_CALL = N_("Number {ticket}, please go to desk {desk}.")
