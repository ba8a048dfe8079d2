"""What a check finds (a `Finding`) and the whole `Report`, as a table or as JSON."""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass
from enum import StrEnum


class Status(StrEnum):
    """How bad a finding is: only FAIL makes `kiosk doctor` exit non-zero."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    """One check's result.

    Attributes:
        check: a short stable name (``disk-encryption``), for scripts and monitoring.
        status: ok, warn or fail.
        summary: what was found, for a person.
        action: what to do about it (empty when nothing is to be done).
    """

    check: str
    status: Status
    summary: str
    action: str = ""


@dataclass(frozen=True)
class Report:
    """All findings of one run, in the order the checks ran."""

    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        """True when any check failed (the command then exits non-zero)."""
        return any(f.status is Status.FAIL for f in self.findings)

    def to_dict(self) -> dict:
        """The machine-readable form (``--json``)."""
        return {"ok": not self.failed,
                "findings": [{**asdict(f), "status": str(f.status)} for f in self.findings]}

    def render(self, width: int = 100) -> str:
        """A table a person reads top to bottom: status, check, what was found, what to do."""
        name_width = max((len(f.check) for f in self.findings), default=5)
        indent = " " * (6 + name_width + 2)
        lines = []
        for f in self.findings:
            mark = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}[str(f.status)]
            text = textwrap.wrap(f.summary, width - len(indent), break_on_hyphens=False) or [""]
            lines.append(f"{mark}  {f.check:<{name_width}}  {text[0]}")
            lines += [indent + t for t in text[1:]]
            if f.action:
                lines += textwrap.wrap(f"→ {f.action}", width, initial_indent=indent,
                                       subsequent_indent=indent + "  ",
                                       break_on_hyphens=False)
        fails = sum(f.status is Status.FAIL for f in self.findings)
        warns = sum(f.status is Status.WARN for f in self.findings)
        lines.append(f"\n{len(self.findings)} checks: {fails} failed, {warns} warnings")
        return "\n".join(lines)
