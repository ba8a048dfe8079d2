"""The copy of a visitor's data (GDPR Art. 15): plain text in the visitor's language and in
German, plus JSON, written together or not at all, and audited without their content.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.config import NetworkConfig
from kiosk.i18n import messages as M
from kiosk.i18n.concerns import concern_label
from kiosk.i18n.formatting import format_date, format_time
from kiosk.i18n.languages import UI_LANGUAGE_CODES, UnknownLanguageError, endonym
from kiosk.i18n.translator import translator
from kiosk.privacy.lookup import PersonRecord, Selector
from kiosk.queue.outcomes import FOLLOW_UP, OTHER, REFERRED, RESOLVED
from kiosk.store.db import Store
from kiosk.store.models import AuditEntry
from kiosk.terminal_text import printable

FORMAT = "lokal-willkommen-export/1"
PREFIX = "lokal-willkommen-auskunft-"
KEEP_DAYS = 7
"""Copies in the default directory are deleted by the daily redaction after this many days:
they are for handing over, not for keeping."""
AUDIT_ACTION = "privacy.export"
OUTCOME_LABELS = {RESOLVED: M.OUTCOME_RESOLVED, REFERRED: M.OUTCOME_REFERRED,
                  FOLLOW_UP: M.OUTCOME_FOLLOW_UP, OTHER: M.OUTCOME_OTHER}
"""The export's label (msgid) of each outcome code of ``kiosk.queue.outcomes``."""


@dataclass(frozen=True)
class ExportResult:
    """The files written (text per language, then JSON) and how many records they hold."""

    files: tuple[Path, ...]
    records: int
    languages: tuple[str, ...]


def visitor_language(records: Sequence[PersonRecord]) -> str:
    """The language the visitor reads: the interpreter's language if one was needed, else
    the language of counselling; English when neither is a language the kiosk speaks."""
    for rec in records:
        for name in ("interpreter_language", "language"):
            lang = rec.fields.get(name)
            if lang in UI_LANGUAGE_CODES:
                return lang
    return "en"


def _language(code: str | None) -> str | None:
    """A language by its own name; a code this release does not know, as stored."""
    if not code:
        return None
    try:
        return endonym(code)
    except UnknownLanguageError:
        return code


def _concerns(ids: Sequence[str], lang: str) -> str:
    out = []
    for cid in ids or ():
        try:
            out.append(concern_label(cid, lang))
        except KeyError:
            out.append(cid)
    return ", ".join(out)


def render_text(records: Sequence[PersonRecord], lang: str, config: NetworkConfig,
                office: str, now: dt.datetime) -> str:
    """The document in one language: every record, its fields, then the visitor's rights."""
    t = translator(lang)
    tz = ZoneInfo(config.timezone)
    none = t.gettext(M.EXPORT_NONE)
    referrals = {r.id: r.name for r in config.referrals}
    try:
        office_name = config.office(office).name
    except KeyError:
        office_name = office
    lines = [t.gettext(M.EXPORT_TITLE), "",
             t.gettext(M.EXPORT_INTRO).format(office=office_name,
                                              date=format_date(now.date(), lang)), ""]
    for rec in records:
        f = rec.fields
        if rec.kind == "visit":
            day = format_date(dt.date.fromisoformat(rec.day), lang)
            lines.append(t.gettext(M.EXPORT_VISIT).format(day=day, ticket=rec.label))
            rows = [(M.EXPORT_FIRST_NAME, f.get("first_name")),
                    (M.EXPORT_TOPICS, _concerns(f.get("concerns") or [], lang)),
                    (M.EXPORT_LANGUAGE, _language(f.get("language"))),
                    (M.EXPORT_INTERPRETER, _language(f.get("interpreter_language"))),
                    (M.EXPORT_RESULT, t.gettext(OUTCOME_LABELS[f["outcome"]])
                     if f.get("outcome") in OUTCOME_LABELS else f.get("outcome")),
                    (M.EXPORT_REFERRAL, referrals.get(f.get("referral") or "", f.get("referral"))),
                    (M.EXPORT_NOTE, f.get("note"))]
        else:
            when = dt.datetime.fromtimestamp(f["starts_at"] / 1000, tz)
            lines.append(t.gettext(M.EXPORT_APPOINTMENT).format(
                when=f"{format_date(when.date(), lang)} {format_time(when, lang)}"))
            rows = [(M.EXPORT_NAME, f.get("name")), (M.EXPORT_PHONE, f.get("phone")),
                    (M.EXPORT_TOPICS, _concerns(f.get("concerns") or [], lang)),
                    (M.EXPORT_LANGUAGE, _language(f.get("language"))),
                    (M.EXPORT_INTERPRETER, _language(f.get("interpreter_language")))]
        for msgid, value in rows:
            # what people typed is shown, never executed, by whoever opens the file
            shown = printable(value) if value not in (None, "") else none
            lines.append(f"  {t.gettext(msgid)}: {shown}")
        lines.append("")
    lines += [t.ngettext(*M.PRIVACY_RETENTION, config.retention_days).format(
                  days=config.retention_days), "",
              t.gettext(M.PRIVACY_RIGHTS), "", t.gettext(M.PRIVACY_COMPLAINT), ""]
    return "\n".join(lines)


def render_json(records: Sequence[PersonRecord], office: str, now: dt.datetime,
                retention_days: int) -> str:
    """The same records as JSON, field by field as stored (machine-readable, Art. 20)."""
    doc = {"format": FORMAT, "office": office, "created_at": now.isoformat(),
           "retention_days": retention_days,
           "records": [{"kind": r.kind, "id": r.id, "day": r.day, "label": r.label,
                        "fields": r.fields} for r in records]}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _write_all(out_dir: Path, contents: dict[str, str]) -> tuple[Path, ...]:
    """Write every file under a temporary name, then rename them all: all or nothing.

    The files hold personal data: 0600 in a directory made 0700, never overwriting.
    """
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    temps: list[Path] = []
    done: list[Path] = []
    try:
        for name, text in contents.items():
            tmp = out_dir / f".{name}.partial"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            temps.append(tmp)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, name in zip(temps, contents, strict=True):
            final = out_dir / name
            if final.exists():
                raise FileExistsError(f"{final} exists")
            os.replace(tmp, final)
            done.append(final)
    except BaseException:
        for path in (*temps, *done):
            path.unlink(missing_ok=True)
        raise
    return tuple(done)


def export_records(store: Store, config: NetworkConfig, selector: Selector,
                   records: Sequence[PersonRecord], out_dir: Path, now: dt.datetime, *,
                   staff: str | None = None, language: str | None = None) -> ExportResult:
    """Write the visitor's copy into ``out_dir`` and audit it (record ids, no content).

    Args:
        language: the visitor's language; by default the one their records suggest.
    """
    lang = language or visitor_language(records)
    langs = tuple(dict.fromkeys((lang, "de")))
    stamp = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    base = f"{PREFIX}{stamp}"
    contents = {f"{base}.{code}.txt": render_text(records, code, config, store.site, now)
                for code in langs}
    contents[f"{base}.json"] = render_json(records, store.site, now, config.retention_days)
    at_ms = int(now.timestamp() * 1000)
    # The audit entries and the files go together: a failed write leaves neither.
    with store.writing():
        for rec in records:
            AuditEntry.create(at=at_ms, staff=staff, action=AUDIT_ACTION, record=rec.id,
                              detail=selector.audit_detail())
        files = _write_all(Path(out_dir), contents)
    return ExportResult(files, len(records), langs)


def default_dir(store: Store) -> Path:
    """Where the console writes copies: beside the store, on the machine's encrypted disk."""
    return Path(store.path).parent / "auskunft"


def copies(directory: Path) -> list[Path]:
    """The copies of visitors' data in ``directory`` (none if it does not exist)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(PREFIX) and p.is_file())


def remove_old_copies(directory: Path, now: dt.datetime, keep_days: int = KEEP_DAYS) -> int:
    """Delete copies older than ``keep_days``; returns how many went."""
    limit = now.timestamp() - keep_days * 86_400
    gone = 0
    for path in copies(directory):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
