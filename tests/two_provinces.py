"""Two provinces: Ninh Bình (official 37) with Duy Tiên and Gia Viễn, Nghệ An with Tam Quang;
each commune with an officer, a team, members, a session and a certificate. The ``world``
fixture is shared by tests/province and tests/reports through their conftest files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from lms.certificates.models import Certificate
from lms.extensions import db
from lms.org import units
from lms.org.models import Commune, MembershipRequest, Team
from lms.training.models import Attendance, TrainingSession


@dataclass
class Place:
    commune: Commune
    team: Team
    officer: object
    member: object
    membership: object
    session: TrainingSession
    request: MembershipRequest
    certificate: Certificate


def place(make, official_code: int, code: str, present: bool = True) -> Place:
    commune = units.create_official_commune(units.unit_by_code(official_code), code)
    team = make.team(commune)
    officer = make.officer(commune, full_name=f"Cán Bộ {code}")
    member = make.user(full_name=f"Thành Viên {code}")
    membership = make.membership(member, team, joined_on=date(2025, 1, 1))
    make.member_of(team, full_name=f"Người Thứ Hai {code}")
    session = TrainingSession(commune_id=commune.id, title="Lớp kỹ năng số", date=date(2026, 2, 5),
                              mode="in_person")
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=member.id,
                              status="present" if present else "absent", method="manual"))
    request = MembershipRequest(kind="join", commune_id=commune.id, team_id=team.id,
                                full_name="Người Mới", phone="+84919999000",
                                proposed_on=date(2026, 2, 1))
    cert = Certificate(commune_id=commune.id, user_id=member.id, kind="session", year=2026,
                       number=1, serial=f"{code}-2026-00001", code=f"CODE{code}",
                       issued_on=date(2026, 2, 5), holder_name=member.full_name,
                       title_vi="Tập huấn", title_en="Training", session_id=session.id)
    db.session.add_all([request, cert])
    db.session.flush()
    return Place(commune, team, officer, member, membership, session, request, cert)


@dataclass
class World:
    nb: object
    na: object
    dt: Place
    gv: Place
    tq: Place
    nb_officer: object
    na_officer: object
    admin: object


@pytest.fixture
def world(make):
    dt = place(make, 13324, "DT")
    gv = place(make, 14464, "GV", present=False)
    tq = place(make, 16933, "TQ")
    nb, na = dt.commune.province, tq.commune.province
    nb_officer = make.user(full_name="Phạm Minh Tuấn", account_role="province", province_id=nb.id)
    na_officer = make.user(full_name="Hồ Thị Lan", account_role="province", province_id=na.id)
    admin = make.admin()
    for user in (nb_officer, na_officer, admin):
        user.locale = "en"
    make.commit()
    return World(nb, na, dt, gv, tq, nb_officer, na_officer, admin)
