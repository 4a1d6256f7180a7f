"""Reminder texts for the people still missing a training: a Zalo message (a team's group, or
the commune's group of team leaders) and one SMS per person, with a plain (không dấu) variant
that fits one 160-character SMS.

The texts are Vietnamese, the office's language with its members, whatever the interface
language. The session they name is always the **next one that has not started**, is not
cancelled and invites the person's team (or the team / one of the commune's teams); without one
the text says that none is planned yet.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select

from lms.extensions import db
from lms.models_base import utcnow
from lms.org.models import Team
from lms.timeutil import LOCAL_TZ, as_utc
from lms.training.models import TrainingSession, session_teams
from lms.training.services import local_start

SMS_LIMIT = 160
ELDER_AGE = 55  # addressed as ông/bà from this age, else anh/chị


def upcoming_by_team(team_ids, now: datetime | None = None, limit: int = 200
                     ) -> dict[int, TrainingSession]:
    """For each team, its next session that has not started and is not cancelled (one
    query; sessions already running or over are skipped, whatever their date)."""
    now = as_utc(now or utcnow())
    today = now.astimezone(LOCAL_TZ).date()
    ids = sorted({t for t in team_ids if t is not None})
    if not ids:
        return {}
    rows = db.session.execute(
        select(session_teams.c.team_id, TrainingSession)
        .join(TrainingSession, TrainingSession.id == session_teams.c.session_id)
        .where(session_teams.c.team_id.in_(ids), TrainingSession.cancelled_at.is_(None),
               TrainingSession.date >= today)
        .order_by(TrainingSession.date, TrainingSession.start_time, TrainingSession.id)
        .limit(limit * max(1, len(ids)))
    ).all()
    found: dict[int, TrainingSession] = {}
    for team_id, session in rows:
        if team_id not in found and local_start(session) > now:
            found[team_id] = session
    return found


def next_session(team_ids, now: datetime | None = None) -> TrainingSession | None:
    """The earliest un-started, not cancelled session inviting one of ``team_ids``."""
    found = list(upcoming_by_team(team_ids, now).values())
    return min(found, key=lambda s: (local_start(s), s.id)) if found else None


def commune_team_ids(commune_id: int) -> list[int]:
    """Every team of a commune."""
    return list(db.session.scalars(select(Team.id).where(Team.commune_id == commune_id)))


def plain(text: str) -> str:
    """Vietnamese without diacritics (``Đề nghị`` → ``De nghi``), for one-segment SMS."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("…", "...")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def pronoun(birth_year: int | None, gender: str | None, year: int) -> str:
    """How to address one person: ông/bà from 55, else anh/chị (by gender when known)."""
    elder = birth_year is not None and year - birth_year >= ELDER_AGE
    if gender == "male":
        return "ông" if elder else "anh"
    if gender == "female":
        return "bà" if elder else "chị"
    return "ông/bà" if elder else "anh/chị"


def _when(session: TrainingSession) -> str:
    when = f"ngày {session.date.strftime('%d/%m/%Y')}"
    if session.start_time:
        when = f"{session.start_time.strftime('%H:%M')} {when}"
    return when


def session_phrase(session: TrainingSession | None, you: str) -> str:
    """The sentence naming the next session (or saying none is planned yet)."""
    if session is None:
        return (f"Hiện chưa có lớp tập huấn mới; đề nghị {you} theo dõi lịch trên ứng dụng "
                "học tập và đăng ký lớp gần nhất.")
    place = f" tại {session.place}" if session.place else ""
    return (f"Lớp gần nhất: “{session.title}”, {_when(session)}{place}. "
            f"Đề nghị {you} sắp xếp tham gia.")


def team_text(year: int, team: str, names: list[str], session: TrainingSession | None) -> str:
    """The message for one team's Zalo group."""
    return (f"Kính gửi các thành viên {team}: theo kế hoạch năm {year}, mỗi thành viên cần "
            f"tham gia ít nhất 01 lớp tập huấn trong năm. Các thành viên sau của tổ chưa tham "
            f"gia lớp tập huấn nào: {', '.join(names)}. "
            f"{session_phrase(session, 'các thành viên')} Trân trọng cảm ơn!")


def commune_text(year: int, commune: str, by_team: list[tuple[str, list[str]]],
                 session: TrainingSession | None) -> str:
    """The message for the commune's group of team leaders: the missing people team by team."""
    people = sum(len(names) for _team, names in by_team)
    lines = "; ".join(f"{team}: {', '.join(names)}" for team, names in by_team)
    return (f"Kính gửi tổ trưởng các Tổ công nghệ số cộng đồng {commune}: theo kế hoạch năm "
            f"{year}, mỗi thành viên cần tham gia ít nhất 01 lớp tập huấn trong năm. Còn "
            f"{people} thành viên của {len(by_team)} tổ chưa tham gia lớp nào — {lines}. "
            f"Đề nghị các tổ trưởng nhắc thành viên của tổ mình. "
            f"{session_phrase(session, 'các thành viên')} Trân trọng cảm ơn!")


def sms_text(year: int, name: str, you: str, session: TrainingSession | None) -> str:
    """One person's SMS, with diacritics, addressed in the singular."""
    return (f"Kính gửi {you} {name}: năm {year} {you} chưa tham gia lớp tập huấn nào của Tổ "
            f"công nghệ số cộng đồng. {session_phrase(session, you)} Trân trọng.")


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[:max(room - 3, 0)].rstrip() + "..."


def sms_plain(year: int, name: str, you: str, session: TrainingSession | None) -> str:
    """The same SMS without diacritics, in at most 160 characters (one SMS segment): the
    place, then the title are shortened as needed; the given name is used."""
    given = plain(name.split()[-1] if name.split() else name)
    you_p = plain(you)
    who = you_p.capitalize()
    head = f"{who} {given}: nam {year} {you_p} chua du lop tap huan To CNSCD."
    if session is None:
        return _cut(f"{head} Chua co lop moi, de nghi theo doi lich tren ung dung hoc tap.",
                    SMS_LIMIT)
    when = session.date.strftime("%d/%m")
    if session.start_time:
        when = f"{session.start_time.strftime('%H:%M')} {when}"
    tail = f" De nghi {you_p} tham gia."
    title = plain(session.title)
    place = plain(session.place or "")
    for with_place in (True, False):
        fixed = f"{head} Lop gan nhat {when}" + (f" tai {place}" if with_place and place else "")
        room = SMS_LIMIT - len(fixed) - len(tail) - 4  # ': ""'
        if room >= 20 or not with_place:
            text = f'{fixed}: "{_cut(title, room)}"{tail}' if room >= 8 else f"{fixed}.{tail}"
            if len(text) <= SMS_LIMIT:
                return text
    return _cut(f"{head} Lop gan nhat {when}.{tail}", SMS_LIMIT)
