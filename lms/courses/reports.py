"""Team learning progress for officers and leaders (set-based: a constant number of queries)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.permissions import active_on, team_condition
from lms.courses.models import Lesson, LessonProgress, Module, ModuleCompletion
from lms.extensions import db
from lms.org.models import Membership, Team


def scoped_teams(actor) -> list[Team]:
    """Teams whose progress the actor may see (officer: commune; leader: own teams)."""
    return list(db.session.scalars(
        select(Team).where(team_condition(actor, Team.id, Team.commune_id))
        .order_by(Team.is_commune_level.desc(), Team.name)
    ))


def team_summary(actor, modules: list[Module], day: date) -> list[dict]:
    """Per scoped team: active members and how many completed each module (three queries)."""
    teams = scoped_teams(actor)
    team_ids = [t.id for t in teams]
    if not team_ids:
        return []
    members = dict(db.session.execute(
        select(Membership.team_id, func.count(func.distinct(Membership.user_id)))
        .where(Membership.team_id.in_(team_ids), active_on(day))
        .group_by(Membership.team_id)
    ).all())
    done: dict[tuple[int, int], int] = {}
    for team_id, module_id, count in db.session.execute(
        select(Membership.team_id, ModuleCompletion.module_id,
               func.count(func.distinct(ModuleCompletion.user_id)))
        .join(ModuleCompletion, ModuleCompletion.user_id == Membership.user_id)
        .where(Membership.team_id.in_(team_ids), active_on(day))
        .group_by(Membership.team_id, ModuleCompletion.module_id)
    ):
        done[(team_id, module_id)] = count
    return [
        {
            "team": team,
            "members": members.get(team.id, 0),
            "completed": [done.get((team.id, m.id), 0) for m in modules],
        }
        for team in teams
    ]


def team_matrix(team: Team, modules: list[Module], day: date) -> list[dict]:
    """Members of a team (active on ``day``) × modules: completed, or lessons read / total."""
    member_ids = (
        select(Membership.user_id).where(Membership.team_id == team.id, active_on(day))
    )
    people = list(db.session.execute(
        select(User.id, User.full_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team.id, active_on(day))
        .order_by(User.name_folded, User.id)
    ))
    completed = {
        (user_id, module_id)
        for user_id, module_id in db.session.execute(
            select(ModuleCompletion.user_id, ModuleCompletion.module_id)
            .where(ModuleCompletion.user_id.in_(member_ids))
        )
    }
    read = {
        (user_id, module_id): count
        for user_id, module_id, count in db.session.execute(
            select(LessonProgress.user_id, Lesson.module_id, func.count(LessonProgress.id))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id.in_(member_ids), Lesson.retired.is_(False))
            .group_by(LessonProgress.user_id, Lesson.module_id)
        )
    }
    totals = dict(db.session.execute(
        select(Lesson.module_id, func.count(Lesson.id))
        .where(Lesson.retired.is_(False)).group_by(Lesson.module_id)
    ).all())
    rows, seen = [], set()
    for user_id, name, role in people:
        if user_id in seen:
            continue
        seen.add(user_id)
        cells = [
            {
                "completed": (user_id, m.id) in completed,
                "read": read.get((user_id, m.id), 0),
                "total": totals.get(m.id, 0),
            }
            for m in modules
        ]
        rows.append({"user_id": user_id, "name": name, "role": role, "cells": cells,
                     "done": sum(1 for c in cells if c["completed"])})
    return rows
