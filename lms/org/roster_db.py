"""The database side of roster import and export: set-based reads and bulk writes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from lms import imports
from lms.audit import AuditEvent, _plain
from lms.auth.models import User
from lms.auth.permissions import active_on
from lms.extensions import db
from lms.imports import ImportBatch
from lms.normalize import display_phone, fold
from lms.org.models import Commune, Membership, Team, Village
from lms.org.roster import (
    EXPORT_HEADERS,
    GENDER_LABEL,
    KIND_HEADER,
    ROLE_LABEL,
    Checked,
    check_rows,
    village_key,
)
from lms.org.services import OrgError, membership_state, village_team
from lms.timeutil import local_today

CHUNK = 500
PERSON_FIELDS = ("full_name", "birth_year", "gender", "occupation")


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def village_keys(commune_id: int) -> dict[str, Village]:
    """The commune's villages by folded name (with and without the kind prefix)."""
    villages = db.session.scalars(select(Village).where(Village.commune_id == commune_id)).all()
    keys: dict[str, Village] = {}
    for village in villages:
        keys.setdefault(village_key(village.name), village)
        keys.setdefault(fold(village.name), village)
    return keys


def active_elsewhere(commune_id: int, phones: list[str], day: date) -> dict[str, str]:
    """``{phone: commune name}`` for the phones active on ``day`` in another commune."""
    found: dict[str, str] = {}
    for chunk in _chunks(phones):
        for phone, name in db.session.execute(
            select(User.phone, Commune.name)
            .join(Membership, Membership.user_id == User.id)
            .join(Team, Team.id == Membership.team_id)
            .join(Commune, Commune.id == Team.commune_id)
            .where(User.phone.in_(chunk), Team.commune_id != commune_id, active_on(day))
        ):
            found.setdefault(phone, name)
    return found


def foreign_accounts(commune_id: int, phones: list[str]) -> set[str]:
    """The phones among ``phones`` whose existing account the commune may not change (an
    officer, province or admin account, or a member who now belongs elsewhere)."""
    from lms.auth.permissions import claimable_condition

    found: set[str] = set()
    for chunk in _chunks(phones):
        found.update(db.session.scalars(select(User.phone).where(
            User.phone.in_(chunk), ~claimable_condition(commune_id))))
    return found


def apply_rows(commune: Commune, checked: Checked, *, actor_id: int | None,
               create_villages: bool = False) -> dict:
    """Write checked rows (caller commits; on any error the caller rolls back).

    People are matched by phone, memberships by (person, team, joined_on) or else the active
    one in that team. Returns counts: ``people_created``, ``people_updated``,
    ``memberships_created``, ``memberships_updated``, ``unchanged``, ``villages_created``.
    """
    blocking = checked.blocking(create_villages)
    if blocking:
        raise OrgError("roster_problems", count=len(blocking))
    if foreign_accounts(commune.id, [r["phone"] for r in checked.rows]):
        # Checked again here: the preview may be older than a change of the account.
        raise OrgError("foreign_account")
    stats = dict(people_created=0, people_updated=0, memberships_created=0,
                 memberships_updated=0, unchanged=0, villages_created=0)
    rows = checked.rows
    # Villages and teams.
    villages = village_keys(commune.id)
    for name in checked.new_villages:
        if village_key(name) not in villages:
            village = Village(commune_id=commune.id, name=name, kind=commune.village_kind)
            db.session.add(village)
            db.session.flush()
            villages[village_key(name)] = village
            stats["villages_created"] += 1
    teams = {t.village_id: t for t in db.session.scalars(
        select(Team).where(Team.commune_id == commune.id))}
    team_of_key: dict[str, Team] = {}
    for row in rows:
        key = row["village_key"]
        if key not in team_of_key:
            if not key:
                team = teams.get(None)
                if team is None:
                    raise OrgError("no_commune_team")
            else:
                village = villages[key]
                team = teams.get(village.id) or village_team(village)
                teams[village.id] = team
            team_of_key[key] = team
    # People.
    people: dict[str, User] = {}
    phones = list(dict.fromkeys(r["phone"] for r in rows))
    for chunk in _chunks(phones):
        for user in db.session.scalars(select(User).where(User.phone.in_(chunk))):
            people[user.phone] = user
    first_row: dict[str, dict] = {}
    for row in rows:
        first_row.setdefault(row["phone"], row)
    new_people = []
    for phone, row in first_row.items():
        user = people.get(phone)
        if user is None:
            new_people.append({
                "phone": phone, "full_name": row["full_name"],
                "name_folded": fold(row["full_name"]), "birth_year": row["birth_year"],
                "gender": row["gender"], "occupation": row["occupation"],
                "account_role": "member", "must_change_password": True, "locale": "vi",
                "active": True, "password_hash": None,
            })
            continue
        changes = {f: row[f] for f in PERSON_FIELDS
                   if row[f] is not None and getattr(user, f) != row[f]}
        if changes:
            before = {f: getattr(user, f) for f in changes}
            for name, value in changes.items():
                setattr(user, name, value)
            if "full_name" in changes:
                user.name_folded = fold(changes["full_name"])
            db.session.add(AuditEvent(action="user.import", object_type="user",
                                      object_id=user.id, actor_id=actor_id,
                                      commune_id=commune.id, before=_plain(before),
                                      after=_plain(changes)))
            stats["people_updated"] += 1
    if new_people:
        db.session.execute(insert(User), new_people)
        stats["people_created"] = len(new_people)
    ids: dict[str, int] = {}
    for chunk in _chunks(phones):
        ids.update(db.session.execute(select(User.phone, User.id).where(User.phone.in_(chunk))).all())
    # Memberships.
    team_ids = [t.id for t in teams.values()]
    existing: dict[tuple[int, int], list[Membership]] = {}
    user_ids = list(ids.values())
    for chunk in _chunks(user_ids):
        for m in db.session.scalars(select(Membership).where(
                Membership.user_id.in_(chunk), Membership.team_id.in_(team_ids))):
            existing.setdefault((m.user_id, m.team_id), []).append(m)
    new_memberships, audits = [], []
    for row in rows:
        user_id = ids[row["phone"]]
        team = team_of_key[row["village_key"]]
        joined = date.fromisoformat(row["joined_on"])
        left = date.fromisoformat(row["left_on"]) if row["left_on"] else None
        candidates = existing.get((user_id, team.id), [])
        match = next((m for m in candidates if m.joined_on == joined), None)
        if match is None:
            match = next((m for m in candidates if m.left_on is None), None)
        if match is None:
            new_memberships.append({"user_id": user_id, "team_id": team.id, "role": row["role"],
                                    "joined_on": joined, "left_on": left})
            continue
        wanted = {"role": row["role"], "joined_on": joined, "left_on": left}
        if all(getattr(match, k) == v for k, v in wanted.items()):
            stats["unchanged"] += 1
            continue
        before = membership_state(match)
        for name, value in wanted.items():
            setattr(match, name, value)
        audits.append({"action": "membership.import", "object_type": "membership",
                       "object_id": match.id, "actor_id": actor_id, "commune_id": commune.id,
                       "before": _plain(before), "after": _plain(membership_state(match))})
        stats["memberships_updated"] += 1
    if new_memberships:
        new_ids = db.session.scalars(
            insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
            new_memberships).all()
        for new_id, data in zip(new_ids, new_memberships, strict=True):
            audits.append({"action": "membership.import", "object_type": "membership",
                           "object_id": new_id, "actor_id": actor_id, "commune_id": commune.id,
                           "before": None, "after": _plain(data)})
        stats["memberships_created"] = len(new_memberships)
    db.session.flush()
    if audits:
        db.session.execute(insert(AuditEvent), audits)
    return stats


def export_rows(commune: Commune) -> tuple[list[str], list[list]]:
    """``(headers, rows)`` of every membership of the commune, past ones included, in the
    import format (so an export imports back unchanged)."""
    headers = list(EXPORT_HEADERS)
    headers[4] = KIND_HEADER.get(commune.village_kind, "Tổ dân phố")
    stmt = (select(User, Membership, Village.name)
            .join(Membership, Membership.user_id == User.id)
            .join(Team, Team.id == Membership.team_id)
            .outerjoin(Village, Village.id == Team.village_id)
            .where(Team.commune_id == commune.id)
            .order_by(Team.is_commune_level.desc(), Village.name, Membership.joined_on,
                      User.name_folded, Membership.id))
    rows = []
    for user, m, village_name in db.session.execute(stmt):
        rows.append([user.full_name, display_phone(user.phone), user.birth_year,
                     GENDER_LABEL.get(user.gender or "", ""), village_name or "",
                     ROLE_LABEL.get(m.role, m.role), user.occupation or "", m.joined_on,
                     m.left_on])
    return headers, rows


def save_preview(commune: Commune, raw: list[dict], checked: Checked, *, filename: str,
                 actor_id: int | None, meta: dict | None = None) -> ImportBatch:
    """Keep the raw rows of a previewed file (and where its table was found, ``meta``) in the
    database under a random token."""
    return imports.save_preview("roster", commune.id, raw, checked.problems,
                                filename=filename, actor_id=actor_id, meta=meta)


def confirm_import(imp: ImportBatch, *, actor_id: int | None,
                   create_villages: bool = False) -> dict:
    """Apply a previewed import (checked again now); a second confirm changes nothing."""
    commune = db.session.get(Commune, imp.commune_id)

    def apply(rows: list[dict]) -> dict:
        checked = check_rows(commune, rows, local_today())
        return apply_rows(commune, checked, actor_id=actor_id, create_villages=create_villages)

    return imports.confirm(imp, apply)


# --- the import plan: what confirming would write, read-only --------------------------------

ACTIONS = ("new", "joins", "updated", "leaving", "unchanged")


def _team_label(commune: Commune, key: str, villages: dict, teams: dict,
                names: dict[str, str]) -> str:
    if not key:
        team = teams.get(None)
        return team.name if team else commune.name
    village = villages.get(key)
    team = teams.get(village.id) if village else None
    if team is not None:
        return team.name
    # The team that confirming creates (named as lms.org.services.village_team names it).
    return f"Tổ CNSCĐ {village.name if village else names.get(key, key)}"


def plan_rows(commune: Commune, checked: Checked) -> dict:
    """What confirming ``checked`` would do, without writing: ``{"rows": [...], "teams":
    [...], "counts": {...}}``. Each row has the person, the team, the role, the dates and an
    ``action`` (``new`` person, existing person who ``joins`` the team, ``updated`` with the
    ``changes`` listed, ``leaving``, ``unchanged``). Each team has its rows, how many members
    and leaders it will have, and its warnings (``too_small``, ``too_large``, ``no_leader``,
    ``two_leaders``)."""
    rows = checked.rows
    villages = village_keys(commune.id)
    teams = {t.village_id: t for t in db.session.scalars(
        select(Team).where(Team.commune_id == commune.id))}
    phones = list(dict.fromkeys(r["phone"] for r in rows))
    people: dict[str, User] = {}
    for chunk in _chunks(phones):
        people.update((u.phone, u) for u in db.session.scalars(
            select(User).where(User.phone.in_(chunk))))
    existing: dict[int, list[Membership]] = {}
    team_ids = [t.id for t in teams.values()]
    if team_ids:
        for m in db.session.scalars(select(Membership).where(Membership.team_id.in_(team_ids))):
            existing.setdefault(m.team_id, []).append(m)
    new_names = {village_key(n): n for n in checked.new_villages}
    out, by_team, counts = [], {}, dict.fromkeys(ACTIONS, 0)
    for row in rows:
        key = row["village_key"]
        village = villages.get(key) if key else None
        team = teams.get(village.id if village else None) if (village or not key) else None
        user = people.get(row["phone"])
        joined = date.fromisoformat(row["joined_on"])
        left = date.fromisoformat(row["left_on"]) if row["left_on"] else None
        match = None
        if user is not None and team is not None:
            mine = [m for m in existing.get(team.id, []) if m.user_id == user.id]
            match = next((m for m in mine if m.joined_on == joined), None) or next(
                (m for m in mine if m.left_on is None), None)
        changes: list[str] = []
        if user is not None:
            changes = [f for f in PERSON_FIELDS
                       if row[f] is not None and getattr(user, f) != row[f]]
        if match is not None:
            changes += [f for f, v in (("role", row["role"]), ("joined_on", joined),
                                       ("left_on", left)) if getattr(match, f) != v]
        if user is None:
            action = "new"
        elif left is not None and (match is None or match.left_on != left):
            action = "leaving"
        elif match is None:
            action = "joins"
        elif changes:
            action = "updated"
        else:
            action = "unchanged"
        counts[action] += 1
        label = _team_label(commune, key, villages, teams, new_names)
        out.append({"row": row["row"], "full_name": row["full_name"], "phone": row["phone"],
                    "team": label, "role": row["role"], "joined_on": row["joined_on"],
                    "left_on": row["left_on"], "action": action, "changes": changes})
        group = by_team.setdefault(label, {"team": label, "rows": 0, "active": {},
                                           "team_id": team.id if team else None})
        group["rows"] += 1
        if left is None:
            group["active"][row["phone"]] = row["role"]
        else:
            group["active"].pop(row["phone"], None)
    phone_of = {u.id: u.phone for u in people.values()}
    summary = []
    for group in by_team.values():
        active = dict(group.pop("active"))
        if group["team_id"] is not None:
            in_file = {r["phone"] for r in out if r["team"] == group["team"]}
            others = [m for m in existing.get(group["team_id"], []) if m.left_on is None
                      and phone_of.get(m.user_id) not in in_file]
            for m in others:
                active[f"id:{m.user_id}"] = m.role
        members = len(active)
        leaders = sum(1 for role in active.values() if role == "leader")
        warnings = []
        if members < commune.team_size_min:
            warnings.append("too_small")
        if members > commune.team_size_max:
            warnings.append("too_large")
        if leaders == 0:
            warnings.append("no_leader")
        if leaders > 1:
            warnings.append("two_leaders")
        summary.append(dict(group, members=members, leaders=leaders, warnings=warnings))
    summary.sort(key=lambda g: fold(g["team"]))
    return {"rows": out, "teams": summary, "counts": counts}
