"""The scoping mechanism of lms/auth/permissions.py."""

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from lms.auth import permissions as perm
from lms.auth.models import User
from lms.extensions import db
from lms.org.models import Team


@pytest.fixture
def world(make):
    """Two communes; in A a team with a leader and a member, in B a team with a member."""
    a, b = make.commune(code="A"), make.commune(code="B")
    team_a, team_a2, team_b = make.team(a), make.team(a), make.team(b)
    people = {
        "admin": make.admin(),
        "officer_a": make.officer(a),
        "officer_b": make.officer(b),
        "leader_a": make.member_of(team_a, "Tổ Trưởng A", role="leader"),
        "member_a": make.member_of(team_a, "Thành Viên A"),
        "member_a2": make.member_of(team_a2, "Thành Viên A2"),
        "member_b": make.member_of(team_b, "Thành Viên B"),
        "former_leader": make.member_of(team_a2, "Tổ Trưởng Cũ", role="leader",
                                         left_on=date(2025, 6, 1)),
    }
    make.commit()
    return {"a": a, "b": b, "team_a": team_a, "team_a2": team_a2, "team_b": team_b, **people}


def _visible_users(actor):
    return set(db.session.scalars(select(User.full_name).where(perm.user_condition(actor, User.id))))


def _visible_teams(actor):
    return set(db.session.scalars(select(Team.id).where(perm.team_condition(actor, Team.id))))


def test_effective_roles(world):
    assert perm.role_of(world["admin"]) == "admin"
    assert perm.role_of(world["officer_a"]) == "officer"
    assert perm.role_of(world["leader_a"]) == "leader"
    assert perm.role_of(world["member_a"]) == "member"
    # A leadership that ended does not make a leader.
    assert perm.role_of(world["former_leader"]) == "member"


def test_officer_sees_only_their_commune(world):
    names = _visible_users(world["officer_a"])
    assert {"Tổ Trưởng A", "Thành Viên A", "Thành Viên A2"} <= names
    assert "Thành Viên B" not in names
    assert _visible_teams(world["officer_a"]) == {world["team_a"].id, world["team_a2"].id}


def test_leader_sees_only_their_team(world):
    assert _visible_users(world["leader_a"]) == {"Tổ Trưởng A", "Thành Viên A"}
    assert _visible_teams(world["leader_a"]) == {world["team_a"].id}


def test_member_sees_only_themselves(world):
    assert _visible_users(world["member_a"]) == {"Thành Viên A"}
    assert _visible_teams(world["member_a"]) == set()


def test_admin_sees_everything(world):
    assert "Thành Viên B" in _visible_users(world["admin"])
    assert len(_visible_teams(world["admin"])) == 3


def test_loading_an_object_outside_scope_is_404(world):
    with pytest.raises(NotFound):
        perm.get_user_or_404(world["officer_b"], world["member_a"].id)
    with pytest.raises(NotFound):
        perm.get_team_or_404(world["leader_a"], world["team_a2"].id)
    with pytest.raises(NotFound):
        perm.get_commune_or_404(world["officer_a"], world["b"].id)
    assert perm.get_user_or_404(world["officer_a"], world["member_a"].id).full_name == "Thành Viên A"


def test_phone_visibility(world):
    member_a = world["member_a"]
    assert perm.can_see_phone(world["officer_a"], member_a)
    assert perm.can_see_phone(world["leader_a"], member_a)
    assert perm.can_see_phone(member_a, member_a)
    assert not perm.can_see_phone(world["officer_b"], member_a)
    assert not perm.can_see_phone(world["member_a2"], member_a)
    assert not perm.can_see_phone(world["leader_a"], world["member_a2"])


def test_reset_password_route_is_scoped(client, auth, world):
    auth.login_as(world["officer_b"])
    assert client.get(f"/accounts/{world['member_a'].id}/reset-password").status_code == 404
    auth.logout()
    auth.login_as(world["officer_a"])
    page = client.get(f"/accounts/{world['member_a'].id}/reset-password")
    assert page.status_code == 200
    response = client.post(f"/accounts/{world['member_a'].id}/reset-password")
    assert response.status_code == 200
    db.session.refresh(world["member_a"])
    assert world["member_a"].must_change_password
