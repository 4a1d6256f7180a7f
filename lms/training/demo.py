"""Demo data of the training package: 2026 sessions in Duy Tiên with attendance for most (not
all) members, one upcoming session and the 2026 compliance rule (idempotent)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.auth.permissions import active_on
from lms.demo import demo_step, get_or_create
from lms.extensions import db
from lms.org.models import Commune, Membership, Team
from lms.timeutil import local_today
from lms.training.models import Attendance, ComplianceRule, TrainingSession
from lms.training.services import is_open_for_marks, set_status

PAST = (
    (date(2026, 3, 14), "Tập huấn kỹ năng số cơ bản: sử dụng điện thoại thông minh an toàn",
     "Nhà văn hóa phường Duy Tiên", "in_person"),
    (date(2026, 6, 20), "Hướng dẫn dịch vụ công trực tuyến và VNeID", "Hội trường UBND phường",
     "hybrid"),
    (date(2026, 9, 12), "Phòng chống lừa đảo trực tuyến cho người dân", None, "online"),
)


@demo_step(40, "training sessions and attendance")
def training_step(ctx: dict) -> None:
    """Three past sessions, one upcoming, attendance for most members, the 2026 rule."""
    commune = db.session.scalars(select(Commune).where(Commune.code == "DT")).first()
    if commune is None:
        return
    officer = db.session.scalars(select(User).where(User.phone == "+84900000002")).first()
    teams = list(db.session.scalars(select(Team).where(Team.commune_id == commune.id)))
    get_or_create(ComplianceRule, commune_id=commune.id, year=2026,
                  defaults=dict(required_count=1, online_path_counts=False,
                                path_slug="ky-nang-so-co-ban", grace_days=60))
    sessions = []
    for day, title, place, mode in PAST:
        s = get_or_create(TrainingSession, commune_id=commune.id, title=title, date=day,
                          defaults=dict(start_time=time(8, 0), end_time=time(11, 0), mode=mode,
                                        place=place, trainer="Lê Thị Thu Hà",
                                        meeting_link="https://meet.google.com/abc-defg-hij"
                                        if mode != "in_person" else None,
                                        issues_certificates=True,
                                        created_by_id=officer.id if officer else None))
        if not s.teams:
            s.teams = teams
        sessions.append(s)
    upcoming_day = local_today() + timedelta(days=7)
    upcoming = get_or_create(
        TrainingSession, commune_id=commune.id, title="Tập huấn sử dụng trí tuệ nhân tạo an toàn",
        defaults=dict(date=upcoming_day, start_time=time(14, 0), end_time=time(16, 30),
                      mode="in_person", place="Nhà văn hóa tổ dân phố Hòa Lạc",
                      trainer="Lê Thị Thu Hà", capacity=60,
                      created_by_id=officer.id if officer else None))
    if not upcoming.teams:
        upcoming.teams = teams
    db.session.flush()
    # Most members attend one of the sessions (by team); every 7th person attends none.
    done = set(db.session.scalars(select(Attendance.user_id).where(
        Attendance.session_id.in_([s.id for s in sessions]))))
    members = db.session.execute(
        select(Membership.user_id, Membership.team_id)
        .where(Membership.team_id.in_([t.id for t in teams]), active_on(date(2026, 9, 12)))
        .order_by(Membership.user_id)
    ).all()
    team_index = {t.id: i for i, t in enumerate(sorted(teams, key=lambda t: t.id))}
    seen = set()
    for user_id, team_id in members:
        if user_id in seen or user_id in done:
            continue
        seen.add(user_id)
        if user_id % 7 == 3:
            continue
        session = sessions[team_index[team_id] % len(sessions)]
        if not is_open_for_marks(session):
            continue
        status = "late" if user_id % 11 == 5 else "present"
        set_status(officer, session, user_id, status, method="manual", check_permission=False)
