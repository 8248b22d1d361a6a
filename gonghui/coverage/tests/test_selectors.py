"""The coverage figures against values counted by hand from the census in conftest.py."""

import datetime as dt

from gonghui.coverage.selectors import coverage_report, month_ends

TODAY = dt.date(2025, 6, 15)  # month ends 2024-07-31 … 2025-06-30


def _by_key(rows):
    return {r.key: r for r in rows}


def test_month_ends():
    ends = month_ends(TODAY)
    assert len(ends) == 12
    assert ends[0] == dt.date(2024, 7, 31) and ends[-1] == dt.date(2025, 6, 30)
    assert dt.date(2025, 2, 28) in ends and dt.date(2024, 12, 31) in ends
    assert month_ends(dt.date(2024, 3, 1))[-2:] == [dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


def test_district_headline(census):
    report = coverage_report(user=census.district, today=TODAY)
    t = report["total"]
    assert (t.enterprises, t.covered, t.headcount, t.uncovered_headcount) == (5, 3, 330, 70)
    assert t.members == 4  # worker1, worker_b, rider, mover; not the leaver, not the pending courier
    assert t.establishment_rate == 3 / 5
    assert t.membership_rate == 4 / 330


def test_district_by_street(census):
    streets = _by_key(coverage_report(user=census.district, today=TODAY)["streets"])
    s1, s2 = streets[census.street1.pk], streets[census.street2.pk]
    # the rider has no employer: counted in the street of the joint union
    assert (s1.enterprises, s1.covered, s1.headcount, s1.uncovered_headcount, s1.members) == (3, 2, 220, 40, 3)
    assert (s2.enterprises, s2.covered, s2.headcount, s2.uncovered_headcount, s2.members) == (2, 1, 110, 30, 1)
    assert set(streets) == {census.street1.pk, census.street2.pk}


def test_district_by_industry_and_ownership(census):
    report = coverage_report(user=census.district, today=TODAY)
    ind = _by_key(report["industries"])
    assert (ind["C"].enterprises, ind["C"].covered, ind["C"].headcount, ind["C"].members) == (2, 1, 150, 1)
    assert (ind["F"].enterprises, ind["F"].covered, ind["F"].headcount, ind["F"].members) == (1, 1, 80, 1)
    assert (ind["G"].enterprises, ind["G"].covered, ind["G"].headcount, ind["G"].members) == (2, 1, 100, 1)
    assert (ind["none"].enterprises, ind["none"].members) == (0, 1)  # the rider: no census employer
    own = _by_key(report["ownerships"])
    assert (own["private"].enterprises, own["private"].covered, own["private"].headcount, own["private"].members) == (
        3, 2, 240, 2)
    assert (own["state"].enterprises, own["state"].headcount, own["state"].members) == (1, 60, 1)
    assert (own["foreign"].enterprises, own["foreign"].covered, own["foreign"].headcount) == (1, 0, 30)
    np = report["non_public"]
    assert (np.enterprises, np.covered, np.headcount, np.members) == (4, 2, 270, 2)


def test_district_by_employment_form(census):
    report = coverage_report(user=census.district, today=TODAY)
    forms = _by_key(report["forms"])
    assert (forms["regular"].members, forms["regular"].workers) == (3, 3)  # the leaver is no longer on any roster
    assert (forms["delivery_rider"].members, forms["delivery_rider"].workers) == (1, 1)
    assert (forms["courier"].members, forms["courier"].workers, forms["courier"].non_members) == (0, 1, 1)
    assert (report["new_forms"].members, report["new_forms"].workers) == (1, 2)


def test_trend_counts_people_once_and_ignores_pending(census):
    trend = coverage_report(user=census.district, today=TODAY)["trend"]
    assert [p["month_end"] for p in trend] == month_ends(TODAY)
    assert trend[-1]["as_of"] == TODAY and trend[-2]["as_of"] == dt.date(2025, 5, 31)
    # base 3 (worker1, worker_b, mover counted once despite two overlapping rows before the transfer);
    # the leaver Jul–Dec 2024; the rider from Oct 2024
    assert [p["members"] for p in trend] == [4, 4, 4, 5, 5, 5, 4, 4, 4, 4, 4, 4]
    # A (union founded 2020) throughout; J from Dec 2024 (joint union founded 2024-12-05);
    # B's union has no founding date and was recorded today, after this window
    assert [p["covered"] for p in trend] == [1] * 5 + [2] * 7
    assert trend[-1]["membership_rate"] == 4 / 330 and trend[0]["establishment_rate"] == 1 / 5


def test_blind_spots(census):
    report = coverage_report(user=census.district, today=TODAY)
    assert [(r.key, r.uncovered_headcount) for r in report["blind_streets"]] == [
        (census.street1.pk, 40), (census.street2.pk, 30)]
    assert [(r.key, r.uncovered_headcount) for r in report["blind_industries"]] == [("G", 40), ("C", 30)]
    assert [(r.key, r.non_members) for r in report["blind_forms"]] == [("courier", 1)]


def test_street1_excludes_street2(census):
    report = coverage_report(user=census.street1_user, today=TODAY)
    t = report["total"]
    assert (t.enterprises, t.covered, t.headcount, t.members) == (3, 2, 220, 3)
    assert [r.key for r in report["streets"]] == [census.street1.pk]
    assert "F" not in _by_key(report["industries"])
    assert [p["members"] for p in report["trend"]] == [2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    assert [r.key for r in report["blind_streets"]] == [census.street1.pk]


def test_street2_and_drill_down(census):
    s2 = coverage_report(user=census.street2_user, today=TODAY)
    assert (s2["total"].enterprises, s2["total"].headcount, s2["total"].members) == (2, 110, 1)
    assert [p["members"] for p in s2["trend"]] == [2] * 6 + [1] * 6  # the leaver until December
    drilled = coverage_report(user=census.district, org=census.street1, today=TODAY)
    own = coverage_report(user=census.street1_user, today=TODAY)
    assert (drilled["total"].enterprises, drilled["total"].members) == (own["total"].enterprises,
                                                                        own["total"].members)
    assert [p["members"] for p in drilled["trend"]] == [p["members"] for p in own["trend"]]


def test_grassroots_cadre_sees_own_union_only(census):
    report = coverage_report(user=census.grassroots1, today=TODAY)
    t = report["total"]
    assert (t.enterprises, t.covered, t.headcount, t.members) == (1, 1, 120, 1)  # enterprise A and worker1


def test_no_scope_sees_nothing(census):
    t = coverage_report(user=census.nobody, today=TODAY)["total"]
    assert (t.enterprises, t.members, t.establishment_rate) == (0, 0, None)


def test_percent_filter_rounds():
    from gonghui.coverage.templatetags.coverage_tags import pct

    assert (pct(2 / 3), pct(None), pct(0), pct(1)) == ("66.7%", "—", "0.0%", "100.0%")
