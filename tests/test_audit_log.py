"""The officer's audit log lists the commune's changes, and only theirs."""

from lms.audit import record


def test_officer_sees_own_commune_changes_only(client, auth, make):
    a, b = make.commune(code="A"), make.commune(code="B")
    officer = make.officer(a, full_name="Lê Thị Thu Hà")
    member = make.member_of(make.team(a), "Hà Văn Sơn")
    record("attendance.mark", "attendance", 1, actor_id=officer.id, commune_id=a.id,
           before={"status": "absent"},
           after={"status": "present", "method": "manual", "user_id": member.id})
    record("certificate.revoke", "certificate", 2, actor_id=None, commune_id=b.id,
           after={"reason": "sai tên"})
    make.commit()
    auth.login_as(officer)
    html = client.get("/audit").get_data(as_text=True)
    assert 'data-action="attendance.mark"' in html
    assert "Vắng → Có mặt" in html
    assert "Hà Văn Sơn" in html and "Lê Thị Thu Hà" in html
    assert f">{member.id}<" not in html
    assert "certificate.revoke" not in html
    html = client.get("/audit?group=certificate").get_data(as_text=True)
    assert 'data-action="attendance.mark"' not in html


def test_members_cannot_open_the_audit_log(client, auth, make):
    member = make.member_of(make.team())
    make.commit()
    auth.login_as(member)
    assert client.get("/audit").status_code == 403


def _actions_in_code() -> set[str]:
    """Every audit action string written anywhere in lms/: the first argument of
    ``audit.record(…)``, an ``action=`` keyword or parameter default, an ``"action": …`` key."""
    import ast
    import re
    from pathlib import Path

    dotted = re.compile(r"^[a-z_]+\.[a-z_]+$")
    found: set[str] = set()

    def strings(node) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) \
                    and dotted.match(sub.value):
                found.add(sub.value)

    root = Path(__file__).resolve().parent.parent / "lms"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
                if name == "record" and owner == "audit" and node.args:
                    strings(node.args[0])
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        strings(keyword.value)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "action":
                        strings(value)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = [*args.posonlyargs, *args.args]
                pairs = list(zip(positional[len(positional) - len(args.defaults):],
                                 args.defaults, strict=True))
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                          if d is not None]
                for arg, default in pairs:
                    if arg.arg == "action":
                        strings(default)
    return found


def test_every_audit_action_in_the_code_has_a_translated_label():
    from lms.main.audit_present import ACTION_LABELS

    actions = _actions_in_code()
    # The scan finds the actions of every package (a sample that must be there).
    assert {"attendance.mark", "session.create", "session.update", "session.cancel",
            "rule.create", "rule.update", "membership.import",
            "certificate.revoke"} <= actions
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in lms/main/audit_present.py: {missing}"
    # Actions of the accounts work happening alongside.
    for action in ("user.create", "user.password_reset", "user.slip", "user.role",
                   "user.update", "user.phone", "user.logout_all"):
        assert action in ACTION_LABELS


def test_labels_follow_the_language(app):
    from flask_babel import force_locale

    from lms.main.audit_present import ACTION_LABELS, action_label

    with app.test_request_context():
        with force_locale("en"):
            assert action_label("membership.import") == "Membership imported from a roster file"
            assert all(str(label) for label in ACTION_LABELS.values())
        assert action_label("attendance.mark") == "Điểm danh"
        assert action_label("no.such") == "no.such"
