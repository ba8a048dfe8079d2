"""Run every check of an office installation, in the order an admin fixes things."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from kiosk.doctor.clock import check_clock, timedatectl_ntp_synchronized
from kiosk.doctor.files import check_private_files
from kiosk.doctor.report import Report
from kiosk.doctor.site import (
    check_backup_recipient,
    check_disk_encryption,
    check_enrolment,
    check_free_space,
    check_keys,
    check_last_sync,
    check_leftovers,
    check_store,
)
from kiosk.paths import key_dir_for


def run_checks(store: Path, *, service_user: str, root: Path = Path("/"),
               now: dt.datetime | None = None,
               ask_clock: Callable[[], str | None] = timedatectl_ntp_synchronized
               ) -> Report:
    """All checks of the site whose store is at ``store``.

    Args:
        store: the site's store; its keys are beside it (``key_dir_for``).
        service_user: who must own the store and keys (the units' ``User=``).
        root: where ``/sys``, ``/proc`` and ``/run`` are read from (tests, rescue systems).
        now: the time to measure the last sync against (default: now).
        ask_clock: how timedatectl is asked (tests replace it).
    """
    store = Path(store).absolute()
    key_dir = key_dir_for(store)
    store_finding, settings = check_store(store)
    findings = [store_finding]
    findings.append(check_disk_encryption(store, root))
    findings += check_private_files(store, key_dir, service_user)
    findings.append(check_keys(key_dir))
    if settings is not None:
        findings.append(check_enrolment(key_dir, settings))
    findings.append(check_backup_recipient(key_dir))
    findings.append(check_leftovers(store))
    findings.append(check_clock(root, ask_clock))
    findings.append(check_free_space(store))
    if settings is not None:
        findings.append(check_last_sync(settings, now or dt.datetime.now(dt.UTC)))
    return Report(tuple(findings))
