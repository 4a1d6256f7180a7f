"""Fixtures of the org tests: a small commune with two villages, an officer and a leader."""

from __future__ import annotations

from datetime import date

import pytest

from lms.extensions import db


@pytest.fixture
def org(make):
    """A commune (code DT) with its commune-level team, villages Hòa Lạc and Yên Bắc, an officer,
    a leader and a member of Hòa Lạc, and a second commune with its own officer."""
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    commune_team = make.team(commune, commune_level=True)
    hoa_lac = make.team(commune, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    hoa_lac.village.name = "Tổ dân phố Hòa Lạc"
    yen_bac = make.team(commune, name="Tổ CNSCĐ tổ dân phố Yên Bắc")
    yen_bac.village.name = "Tổ dân phố Yên Bắc"
    officer = make.officer(commune)
    leader = make.user("Trần Văn Dũng", phone_number="+84900000003")
    member = make.user("Nguyễn Thị Mai", phone_number="+84900000004")
    make.membership(leader, hoa_lac, role="leader", joined_on=date(2025, 3, 1))
    make.membership(member, hoa_lac, joined_on=date(2025, 3, 1))
    other = make.commune(code="TQ", name="Xã Tam Quang", village_kind="ban")
    other_team = make.team(other, name="Tổ CNSCĐ bản Nà Khương")
    other_officer = make.officer(other, full_name="Lò Thị Xuân")
    other_leader = make.user("Lò Văn Pâng")
    make.membership(other_leader, other_team, role="leader")
    db.session.commit()

    class Org:
        pass

    o = Org()
    o.commune, o.commune_team, o.hoa_lac, o.yen_bac = commune, commune_team, hoa_lac, yen_bac
    o.officer, o.leader, o.member = officer, leader, member
    o.other, o.other_team, o.other_officer, o.other_leader = (
        other, other_team, other_officer, other_leader)
    return o
