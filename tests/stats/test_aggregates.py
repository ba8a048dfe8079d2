"""Anonymous daily figures: counts per dimension, small cells merged, totals exact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.stats.aggregates import MIN_CELL, OTHER, VisitFacts, day_figures, merge_small


def test_a_lone_visitor_in_a_rare_language_is_merged_into_other() -> None:
    visits = [VisitFacts("EVSC-1", "ar", concerns=("wohnen",), wait_minutes=12)
              for _ in range(6)]
    visits.append(VisitFacts("EVSC-1", "ti", interpreter_language="ti", concerns=("asyl",),
                             outcome="referred", referral="fluechtlingsberatung",
                             wait_minutes=95))
    f = day_figures("EVSC", "2026-11-24", visits)
    assert f.visits == 7 and f.interpreter == 1  # the totals are exact
    published = [f.languages, f.interpreter_languages, f.concerns, f.outcomes, f.referrals,
                 f.waits, f.locations]
    assert all("ti" not in d and "asyl" not in d and "90+" not in d for d in published)
    # no named value points at fewer than MIN_CELL people
    assert all(v >= MIN_CELL for d in published for k, v in d.items() if k != OTHER)
    assert f.languages == {OTHER: 7}  # ar (6) joined "other" so that "other" is not 1
    assert f.interpreter_languages == {OTHER: 1}  # names nothing: the day's total says as much


def test_large_cells_stay_as_they_are() -> None:
    assert merge_small({"ar": 9, "fa": 5, "ti": 2, "uk": 2, "tr": 1}) == {
        "ar": 9, "fa": 5, OTHER: 5}
    assert merge_small({"ar": 9, "fa": 6, "ti": 2}) == {"ar": 9, OTHER: 8}
    assert merge_small({}) == {}
    assert merge_small({"ar": 3}) == {OTHER: 3}  # nothing left to join: the day was tiny


@given(st.dictionaries(st.sampled_from(["ar", "fa", "uk", "ti", "ku", "ro", "bg", "tr"]),
                       st.integers(1, 30)))
def test_merging_keeps_the_total_and_leaves_no_small_named_cell(counts) -> None:
    merged = merge_small(counts)
    assert sum(merged.values()) == sum(counts.values())
    assert all(v >= MIN_CELL for k, v in merged.items() if k != OTHER)
    if sum(counts.values()) >= MIN_CELL:
        assert all(v >= MIN_CELL for v in merged.values())
