"""`kiosk report` as the network lead runs it for the city: real store, real subprocess."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kiosk.stats.aggregates import MIN_CELL, OTHER
from tests.conftest import KIOSK
from tests.stats.network_data import CANARY, check_in_own, publish_other_offices

RANGE = ("--from", "2026-11-01", "--to", "2026-11-30")


@pytest.fixture
def network_store(ctx, clock, store_path) -> Path:
    """The store of office EVSC with two other offices' published figures and its own
    check-ins (one named with the canary)."""
    publish_other_offices(ctx, clock.value.date())
    check_in_own(ctx)
    ctx.store.close()
    return store_path


def kiosk(env, db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, "--db", str(db), "report", *args], capture_output=True,
                          env=env, timeout=120)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_report_has_every_office_and_the_network_and_nothing_personal(
        network_store, cli_env) -> None:
    done = kiosk(cli_env, network_store, *RANGE)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8-sig")
    rows = _rows(text)
    assert {r["office"] for r in rows} == {"EVSC", "INNO", "LUED", "ALLE"}
    totals = {r["office"]: int(r["count"]) for r in rows if r["dimension"] == "visits"}
    assert totals == {"LUED": 125, "INNO": 65, "EVSC": 7, "ALLE": 197}
    days = [r for r in rows if r["office"] == "LUED" and r["dimension"] == "visits_per_day"]
    assert [(r["category"], r["count"]) for r in days[-2:]] == [("2026-11-23", "12"),
                                                                 ("2026-11-24", "13")]
    for r in rows:
        if r["dimension"] not in ("visits", "interpreter", "visits_per_day") \
                and r["category"] != OTHER:
            assert int(r["count"]) >= MIN_CELL, r
    assert not [r for r in rows if r["category"] in ("ti", "auslaenderbehoerde", "90+")]
    assert CANARY not in text and CANARY.encode() not in done.stderr


def test_xlsx_report_reads_back_with_the_same_rows(network_store, cli_env, tmp_path) -> None:
    out = tmp_path / "bericht.xlsx"
    done = kiosk(cli_env, network_store, *RANGE, "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    csv_rows = _rows(kiosk(cli_env, network_store, *RANGE).stdout.decode("utf-8-sig"))
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["figures", "visits_per_day"]
    sheet = list(book["figures"].iter_rows(values_only=True))
    assert sheet[0] == ("office", "first_day", "last_day", "dimension", "category", "count")
    assert [tuple(str(v) for v in row) for row in sheet[1:]] == [
        tuple(r.values()) for r in csv_rows]
    per_day = list(book["visits_per_day"].iter_rows(values_only=True))
    assert per_day[0] == ("day", "EVSC", "INNO", "LUED")
    assert len(per_day) == 1 + 30
    assert per_day[-7] == ("2026-11-24", 7, 6 + 1, 12 + 1)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert CANARY.encode() not in archive.read(name), name


def test_one_office_only(network_store, cli_env) -> None:
    done = kiosk(cli_env, network_store, *RANGE, "--office", "INNO")
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout.decode("utf-8-sig"))
    assert {r["office"] for r in rows} == {"INNO"}


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-11-31", "--to", "2026-12-01"),
     "kiosk: invalid --from: '2026-11-31' is not a date like 2026-11-30\n"),
    (("--from", "2026-11-01", "--to", "gestern"),
     "kiosk: invalid --to: 'gestern' is not a date like 2026-11-30\n"),
    (("--from", "2026-11-30", "--to", "2026-11-01"),
     "kiosk: invalid range: --from 2026-11-30 is after --to 2026-11-01\n"),
    ((*RANGE, "--office", "NOPE"),
     "kiosk: unknown office 'NOPE' (offices: BRAP, MEHU, HOHO, EVSC, LUED, INWO, INNO)\n"),
    (("--from", "2025-01-01", "--to", "2025-01-31"),
     "kiosk: no figures from 2025-01-01 to 2025-01-31 for any office: nothing to report "
     "(nothing recorded here or published at the last sync)\n"),
    ((*RANGE, "--office", "BRAP"),
     "kiosk: no figures from 2026-11-01 to 2026-11-30 for office BRAP: nothing to report "
     "(nothing recorded here or published at the last sync)\n"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_input_is_a_clear_message_exit_5_and_no_file(network_store, cli_env, tmp_path,
                                                         args, message, fmt) -> None:
    out = tmp_path / f"report.{fmt}"
    done = kiosk(cli_env, network_store, *args, "--format", fmt, "--out", str(out))
    assert done.returncode == 5
    assert done.stderr.decode() == message
    assert done.stdout == b""
    assert list(tmp_path.glob("report*")) == [] and list(tmp_path.glob(".report*")) == []


def test_an_existing_file_is_left_whole_when_the_report_fails(network_store, cli_env,
                                                              tmp_path) -> None:
    out = tmp_path / "report.csv"
    out.write_text("last month's report\n")
    done = kiosk(cli_env, network_store, "--from", "2026-11-30", "--to", "2026-11-01",
                 "--out", str(out))
    assert done.returncode == 5
    assert out.read_text() == "last month's report\n"


def test_xlsx_needs_a_file(network_store, cli_env) -> None:
    done = kiosk(cli_env, network_store, *RANGE, "--format", "xlsx")
    assert done.returncode == 2 and b"--out FILE" in done.stderr and done.stdout == b""
