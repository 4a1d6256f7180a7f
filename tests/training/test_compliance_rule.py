"""The annual compliance rule of DESIGN.md, edge by edge."""

from datetime import UTC, date, datetime

import pytest

from lms.courses.models import LearningPath, Module, ModuleCompletion
from lms.extensions import db
from lms.training.compliance import commune_report, default_as_of
from lms.training.summaries import person_status

D = date(2026, 11, 24)


@pytest.fixture
def world(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    other = make.commune(code="TQ", name="Xã Tam Quang")
    t1, t2 = make.team(c, "Tổ 1"), make.team(c, "Tổ 2")
    t_other = make.team(other, "Tổ bản 1")
    s_march = h.session(c, date(2026, 3, 10), [t1, t2])
    return {"c": c, "other": other, "t1": t1, "t2": t2, "t_other": t_other, "s": s_march}


def status_of(person, commune, as_of=D, year=2026):
    rows = [r for r in person_status(person.id, year, as_of) if r["commune_id"] == commune.id]
    return rows[0]["status"] if rows else None


def test_present_counts_and_absent_does_not(world, make, h):
    a = make.member_of(world["t1"], "Người Có Mặt")
    b = make.member_of(world["t1"], "Người Vắng")
    h.attend(world["s"], a, "present")
    h.attend(world["s"], b, "absent")
    report = commune_report(world["c"], 2026, D)
    assert (report.in_scope, report.compliant, report.new) == (2, 1, 0)
    assert [p.name for p in report.teams[0].missing] == ["Người Vắng"]


def test_late_counts_excused_does_not(world, make, h):
    late = make.member_of(world["t1"], "Đến Muộn")
    excused = make.member_of(world["t1"], "Có Phép")
    h.attend(world["s"], late, "late")
    h.attend(world["s"], excused, "excused")
    assert status_of(late, world["c"]) == "compliant"
    assert status_of(excused, world["c"]) == "missing"


def test_unmarked_counts_as_absent(world, make):
    person = make.member_of(world["t1"], "Chưa Điểm Danh")
    assert status_of(person, world["c"]) == "missing"


def test_cancelled_session_does_not_count(world, make, h):
    person = make.member_of(world["t1"])
    s = h.session(world["c"], date(2026, 5, 1), [world["t1"]], cancelled_at=datetime.now(UTC))
    h.attend(s, person, "present")
    assert status_of(person, world["c"]) == "missing"


def test_session_of_another_year_does_not_count(world, make, h):
    person = make.member_of(world["t1"])
    s = h.session(world["c"], date(2025, 12, 31), [world["t1"]])
    h.attend(s, person)
    assert status_of(person, world["c"]) == "missing"


def test_another_communes_session_counts(world, make, h):
    person = make.member_of(world["t1"])
    s = h.session(world["other"], date(2026, 6, 1), [world["t_other"]])
    h.attend(s, person)
    assert status_of(person, world["c"]) == "compliant"


def test_left_before_as_of_is_out_of_scope_left_after_is_in(world, make, h):
    gone = make.member_of(world["t1"], "Đã Rời", left_on=date(2026, 6, 30))
    stays = make.member_of(world["t1"], "Rời Sau", left_on=date(2026, 12, 1))
    left_on_d = make.member_of(world["t1"], "Rời Đúng Ngày", left_on=D)
    report = commune_report(world["c"], 2026, D)
    names = {p.name for t in report.teams for p in t.missing}
    assert "Đã Rời" not in names and "Rời Đúng Ngày" not in names
    assert "Rời Sau" in names
    assert report.in_scope == 1
    # As of a date before they left, both were in scope.
    earlier = commune_report(world["c"], 2026, date(2026, 6, 1))
    assert earlier.in_scope == 3
    assert gone and stays and left_on_d


def test_joined_mid_year_is_in_scope_and_not_new(world, make):
    person = make.member_of(world["t1"], joined_on=date(2026, 7, 1))
    assert status_of(person, world["c"]) == "missing"
    # Not yet joined on an earlier as-of date: out of scope.
    assert status_of(person, world["c"], as_of=date(2026, 6, 30)) is None


def test_grace_period_boundaries(world, make, h):
    # Default grace 60 days: the last 60 days of 2026 are 2/11..31/12.
    inside = make.member_of(world["t1"], "Mới Vào", joined_on=date(2026, 11, 2))
    outside = make.member_of(world["t1"], "Vào Trước", joined_on=date(2026, 11, 1))
    assert status_of(inside, world["c"]) == "new"
    assert status_of(outside, world["c"]) == "missing"
    report = commune_report(world["c"], 2026, D)
    assert (report.in_scope, report.compliant, report.new) == (2, 0, 1)
    assert [p.name for p in report.teams[0].new_people] == ["Mới Vào"]
    assert [p.name for p in report.teams[0].missing] == ["Vào Trước"]
    # A new member who attended is compliant, not new.
    s = h.session(world["c"], date(2026, 11, 20), [world["t1"]])
    h.attend(s, inside)
    assert status_of(inside, world["c"]) == "compliant"


def test_grace_days_from_rule(world, make, h):
    h.rule(world["c"], grace_days=120)
    person = make.member_of(world["t1"], joined_on=date(2026, 9, 5))
    assert status_of(person, world["c"]) == "new"
    # A rule of another year does not apply.
    h.rule(world["c"], year=2025, grace_days=0)
    assert status_of(person, world["c"]) == "new"


def test_earliest_active_membership_decides_new(world, make):
    person = make.member_of(world["t1"], joined_on=date(2024, 1, 1))
    make.membership(person, world["t2"], joined_on=date(2026, 12, 1))
    assert status_of(person, world["c"]) == "missing"


def test_person_in_two_teams_counts_once_for_commune(world, make, h):
    person = make.member_of(world["t1"], "Hai Tổ")
    make.membership(person, world["t2"])
    other = make.member_of(world["t2"], "Một Tổ")
    h.attend(world["s"], other)
    report = commune_report(world["c"], 2026, D)
    assert (report.in_scope, report.compliant) == (2, 1)
    rows = {t.team: t for t in report.teams}
    assert (rows["Tổ 1"].in_scope, rows["Tổ 1"].compliant) == (1, 0)
    assert (rows["Tổ 2"].in_scope, rows["Tổ 2"].compliant) == (2, 1)
    assert [p.name for p in rows["Tổ 1"].missing] == ["Hai Tổ"]
    assert [p.name for p in rows["Tổ 2"].missing] == ["Hai Tổ"]


def test_as_of_date_limits_sessions(world, make, h):
    person = make.member_of(world["t1"])
    s = h.session(world["c"], date(2026, 10, 1), [world["t1"]])
    h.attend(s, person)
    assert status_of(person, world["c"], as_of=date(2026, 9, 30)) == "missing"
    assert status_of(person, world["c"], as_of=date(2026, 10, 1)) == "compliant"


def test_required_count_two(world, make, h):
    h.rule(world["c"], required_count=2)
    person = make.member_of(world["t1"])
    h.attend(world["s"], person)
    assert status_of(person, world["c"]) == "missing"
    h.attend(h.session(world["c"], date(2026, 4, 1), [world["t1"]]), person, "late")
    assert status_of(person, world["c"]) == "compliant"


def _path(h, person, completed_at, slugs=("m1", "m2")):
    modules = []
    for slug in slugs:
        m = db.session.query(Module).filter_by(slug=slug).first()
        if m is None:
            m = Module(slug=slug, title_vi=slug, title_en=slug)
            db.session.add(m)
            db.session.flush()
        modules.append(m)
    if db.session.query(LearningPath).filter_by(slug="ky-nang-so-co-ban").first() is None:
        db.session.add(LearningPath(slug="ky-nang-so-co-ban", title_vi="KNS", title_en="DS",
                                    module_slugs=list(slugs)))
    for m, when in zip(modules, completed_at, strict=False):
        db.session.add(ModuleCompletion(user_id=person.id, module_id=m.id, completed_at=when))
    db.session.flush()


def test_online_path_counts_only_when_rule_says_so(world, make, h):
    person = make.member_of(world["t1"])
    _path(h, person, [h.vn(2026, 3, 1, 9), h.vn(2026, 4, 1, 9)])
    assert status_of(person, world["c"]) == "missing"  # default: path off
    h.rule(world["c"], online_path_counts=True)
    assert status_of(person, world["c"]) == "compliant"


def test_online_path_incomplete_does_not_count(world, make, h):
    h.rule(world["c"], online_path_counts=True)
    person = make.member_of(world["t1"])
    _path(h, person, [h.vn(2026, 3, 1, 9)])  # one module of two
    assert status_of(person, world["c"]) == "missing"


def test_online_path_is_one_training_only(world, make, h):
    h.rule(world["c"], online_path_counts=True, required_count=2)
    person = make.member_of(world["t1"])
    _path(h, person, [h.vn(2026, 3, 1), h.vn(2026, 3, 2)])
    assert status_of(person, world["c"]) == "missing"
    h.attend(world["s"], person)
    assert status_of(person, world["c"]) == "compliant"


def test_online_path_deadline_in_vietnam_time(world, make, h):
    h.rule(world["c"], online_path_counts=True, deadline=date(2026, 6, 30))
    on_time = make.member_of(world["t1"], "Đúng Hạn")
    late = make.member_of(world["t1"], "Quá Hạn")
    # 23:30 on 30/6 in Vietnam is 16:30 UTC: on time. 00:30 on 1/7 Vietnam is 30/6 17:30 UTC.
    _path(h, on_time, [h.vn(2026, 3, 1), h.vn(2026, 6, 30, 23, 30)])
    _path(h, late, [h.vn(2026, 3, 1), h.vn(2026, 7, 1, 0, 30)])
    assert status_of(on_time, world["c"]) == "compliant"
    assert status_of(late, world["c"]) == "missing"
    # Before the deadline, the as-of date is the limit.
    assert status_of(on_time, world["c"], as_of=date(2026, 5, 1)) == "missing"


def test_online_path_completed_in_an_earlier_year_does_not_count(world, make, h):
    h.rule(world["c"], online_path_counts=True)
    person = make.member_of(world["t1"])
    _path(h, person, [h.vn(2025, 3, 1), h.vn(2025, 4, 1)])
    assert status_of(person, world["c"]) == "missing"


def test_defaults_and_default_as_of():
    assert default_as_of(2025, today=date(2026, 11, 24)) == date(2025, 12, 31)
    assert default_as_of(2026, today=date(2026, 11, 24)) == date(2026, 11, 24)


def test_past_year_report(world, make, h):
    person = make.member_of(world["t1"], joined_on=date(2024, 1, 1))
    s = h.session(world["c"], date(2025, 12, 31), [world["t1"]])
    h.attend(s, person)
    report = commune_report(world["c"], 2025, date(2025, 12, 31))
    assert report.compliant == 1 and report.as_of == date(2025, 12, 31)
