"""Demo rosters: Phường Duy Tiên (27 tổ dân phố; official unit 13324, Ninh Bình) and Xã Tam
Quang (18 bản; official unit 16933, Nghệ An), deterministic,
idempotent and bulk-inserted. Every demo person logs in with ``demo1234``."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import insert, select

from lms.auth.models import User
from lms.demo import demo_password_hash, demo_step
from lms.extensions import db
from lms.normalize import fold
from lms.org.models import Commune, Membership, Team, Village

DT_VILLAGES = [
    "Hòa Lạc", "Yên Bắc", "Đồng Văn", "Hoàng Đông", "Tiên Nội", "Châu Giang", "Bạch Thượng",
    "Duy Minh", "Duy Hải", "Tiên Ngoại", "Yên Lệnh", "Mộc Bắc", "Mộc Nam", "Chuyên Ngoại",
    "Trác Văn", "Tiên Sơn", "Tiên Phong", "Lam Hạ", "Hòa Mạc", "Đọi Tam", "Ngọc Động",
    "Hoàn Dương", "Phú Thứ", "Văn Xá", "Nhật Tân", "An Mông", "Quế Sơn",
]
TQ_VILLAGES = [
    "Nà Khương", "Púng Bánh", "Huổi Một", "Nậm Ty", "Co Mạ", "Pá Ngám", "Bản Lếch", "Nà Hát",
    "Phiêng Ban", "Huổi Hạ", "Nong Lay", "Tạ Bú", "Pá Lông", "Huổi Lèng", "Nà Sản", "Co Tòng",
    "Bó Mạy", "Phiêng Côn",
]
KINH_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
THAI_FAMILY = ["Lò", "Lường", "Quàng", "Cầm", "Tòng", "Vì", "Hà", "Điêu", "Mè", "Lừ"]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quang"], "female": ["Thị", "Thu", "Ngọc", "Thanh"]}
GIVEN = {
    "male": ["Hùng", "Dũng", "Nam", "Tuấn", "Long", "Hải", "Sơn", "Thắng", "Khánh", "Pâng",
             "Xuân", "Bình", "Quý", "Toàn"],
    "female": ["Mai", "Lan", "Hoa", "Hương", "Thảo", "Ánh", "Yến", "Xuân", "Phương", "Ơn",
               "Hiền", "Nga", "Trang"],
}
OCCUPATIONS = [
    "Giáo viên tiểu học", "Giáo viên THCS", "Công an xã", "Đoàn Thanh niên", "Nhân viên y tế",
    "Cán bộ hưu trí", "Chủ cửa hàng tạp hóa", "Hội Phụ nữ", "Hội Cựu chiến binh", "Nông dân",
    "Bưu điện văn hóa xã", "Sinh viên", "Kinh doanh tự do",
]
LEAVE_REASONS = ["Chuyển nơi cư trú", "Chuyển công tác", "Lý do sức khỏe", "Đi học xa"]


def _person(rng: random.Random, families: list[str]) -> dict:
    gender = rng.choice(("male", "female"))
    name = f"{rng.choice(families)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    return {"full_name": name, "gender": gender, "birth_year": rng.randint(1962, 2004),
            "occupation": rng.choice(OCCUPATIONS)}


def _teams(commune: Commune, names: list[str], prefix: str, kind: str) -> list[Team]:
    villages = {v.name: v for v in db.session.scalars(
        select(Village).where(Village.commune_id == commune.id))}
    teams = {t.village_id: t for t in db.session.scalars(
        select(Team).where(Team.commune_id == commune.id))}
    out = [teams[None]]
    for name in names:
        full = f"{prefix} {name}" if not name.startswith(prefix) else name
        village = villages.get(full)
        if village is None:
            village = Village(commune_id=commune.id, name=full, kind=kind)
            db.session.add(village)
            db.session.flush()
        team = teams.get(village.id)
        if team is None:
            team = Team(commune_id=commune.id, village_id=village.id,
                        name=f"Tổ CNSCĐ {prefix.lower()} {name}")
            db.session.add(team)
            db.session.flush()
        out.append(team)
    return out


def _fill(commune: Commune, teams: list[Team], families, phone_base: int, seed: int,
          password_hash: str) -> None:
    rng = random.Random(seed)
    people, links = [], []
    serial = 0
    for team in teams:
        size = rng.randint(5, 10)
        for index in range(size):
            serial += 1
            phone = f"+849{phone_base + serial:08d}"
            person = _person(rng, families)
            role = "leader" if index == 0 else ("deputy" if index == 1 else
                                                rng.choice(("member",) * 5 + ("collaborator",)))
            joined = date(2025, rng.randint(1, 12), rng.randint(1, 28))
            left = None
            if index == size - 1 and size > 5 and rng.random() < 0.3:
                left = date(2026, rng.randint(2, 10), rng.randint(1, 28))
            people.append({"phone": phone, **person, "name_folded": fold(person["full_name"]),
                           "password_hash": password_hash, "must_change_password": False,
                           "account_role": "member", "locale": "vi", "active": True})
            links.append((phone, team.id, role, joined, left,
                          rng.choice(LEAVE_REASONS) if left else None))
    phones = [p["phone"] for p in people]
    existing = set(db.session.scalars(select(User.phone).where(User.phone.in_(phones))))
    new = [p for p in people if p["phone"] not in existing]
    if new:
        db.session.execute(insert(User), new)
    ids = dict(db.session.execute(select(User.phone, User.id).where(User.phone.in_(phones))).all())
    have = set(db.session.execute(select(Membership.user_id, Membership.team_id).where(
        Membership.user_id.in_(list(ids.values())))).all())
    rows = []
    for phone, team_id, role, joined, left, reason in links:
        if (ids[phone], team_id) in have:
            continue
        rows.append({"user_id": ids[phone], "team_id": team_id, "role": role,
                     "joined_on": joined, "left_on": left, "leave_reason": reason,
                     "approved_on": joined, "decision_no": f"{joined.month:02d}/QĐ-UBND",
                     "leave_approved_on": left,
                     "leave_decision_no": f"{left.month:02d}/QĐ-UBND" if left else None})
    if rows:
        db.session.execute(insert(Membership), rows)


@demo_step(20, "teams and members")
def org_step(ctx: dict) -> None:
    """27 tổ dân phố teams in Duy Tiên and 18 bản teams in Tam Quang, 5–10 members each."""
    password_hash = ctx.setdefault("password_hash", demo_password_hash())
    communes = ctx.get("communes") or {c.code: c for c in db.session.scalars(select(Commune))}
    dt, tq = communes["DT"], communes["TQ"]
    dt_teams = _teams(dt, DT_VILLAGES, "Tổ dân phố", "to_dan_pho")
    # Hòa Lạc already holds the demo leader and member: fill the others, and add 4 there.
    hoa_lac = dt_teams[1]
    _fill(dt, [t for t in dt_teams if t.id != hoa_lac.id], KINH_FAMILY, 10_000_000, 2026,
          password_hash)
    rng = random.Random(7)
    extra = []
    for i in range(4):
        person = _person(rng, KINH_FAMILY)
        extra.append((f"+8490{i + 1:07d}1", person))
    _fill_fixed(hoa_lac, extra, password_hash)
    tq_teams = _teams(tq, TQ_VILLAGES, "Bản", "ban")
    _fill(tq, tq_teams, THAI_FAMILY, 20_000_000, 2027, password_hash)


def _fill_fixed(team: Team, people: list[tuple[str, dict]], password_hash: str) -> None:
    phones = [phone for phone, _p in people]
    existing = set(db.session.scalars(select(User.phone).where(User.phone.in_(phones))))
    new = [{"phone": phone, **p, "name_folded": fold(p["full_name"]),
            "password_hash": password_hash, "must_change_password": False,
            "account_role": "member", "locale": "vi", "active": True}
           for phone, p in people if phone not in existing]
    if new:
        db.session.execute(insert(User), new)
    ids = dict(db.session.execute(select(User.phone, User.id).where(User.phone.in_(phones))).all())
    have = set(db.session.scalars(select(Membership.user_id).where(Membership.team_id == team.id)))
    rows = [{"user_id": uid, "team_id": team.id, "role": "member",
             "joined_on": date(2025, 3, 1), "approved_on": date(2025, 3, 1),
             "decision_no": "45/QĐ-UBND"} for uid in ids.values() if uid not in have]
    if rows:
        db.session.execute(insert(Membership), rows)
