"""Saving a commune's compliance rule for a year (audited: it moves the official figure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms import audit
from lms.extensions import db
from lms.org.models import Commune
from lms.training.compliance import DEFAULT_PATH_SLUG, rule_dict
from lms.training.models import ComplianceRule
from lms.training.services import TrainingError, audit_plain, state_changes

RULE_FIELDS = ("required_count", "online_path_counts", "path_slug", "deadline", "grace_days")


@dataclass
class RuleData:
    """What the rule form holds (plain data)."""

    required_count: int = 1
    online_path_counts: bool = False
    path_slug: str | None = None
    deadline: date | None = None
    grace_days: int = 60


def rule_state(rule: ComplianceRule | None) -> dict:
    """The audited fields of a rule; the defaults in force when none is saved."""
    values = rule_dict(rule)
    return audit_plain({name: values[name] for name in RULE_FIELDS})


def save_rule(actor, commune: Commune, year: int, data: RuleData) -> ComplianceRule:
    """Create or change the commune's rule for ``year``.

    Audited as ``rule.create`` (before: the defaults that applied) or ``rule.update`` with the
    changed fields before → after; saving an unchanged rule records nothing. Raises
    :class:`TrainingError` ``bad_rule`` for a required count below 1 or grace days outside
    0–366. The caller commits.
    """
    if (data.required_count is None or not 1 <= data.required_count <= 20
            or data.grace_days is None or not 0 <= data.grace_days <= 366):
        raise TrainingError("bad_rule")
    rule = db.session.scalars(select(ComplianceRule).where(
        ComplianceRule.commune_id == commune.id, ComplianceRule.year == year)).first()
    created = rule is None
    before = rule_state(rule)
    if rule is None:
        rule = ComplianceRule(commune_id=commune.id, year=year)
        db.session.add(rule)
    rule.required_count = data.required_count
    rule.online_path_counts = bool(data.online_path_counts)
    rule.path_slug = (data.path_slug or "").strip() or DEFAULT_PATH_SLUG
    rule.deadline = data.deadline
    rule.grace_days = data.grace_days
    db.session.flush()
    old, new = state_changes(before, rule_state(rule))
    if created or new:
        audit.record("rule.create" if created else "rule.update", "compliance_rule", rule.id,
                     actor_id=actor.id if actor is not None else None, commune_id=commune.id,
                     before={"year": year, **old}, after={"year": year, **new})
    return rule
