"""Forms of the org package (dates typed as dd/mm/yyyy)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.normalize import InvalidValue, parse_date
from lms.org.messages import GENDER_LABELS, KIND_LABELS, ROLE_LABELS
from lms.spreadsheets import IMPORT_ACCEPT


class DateText(StringField):
    """A dd/mm/yyyy text field; ``.date`` holds the parsed date (or ``None``)."""

    def __init__(self, label=None, validators=None, **kw):
        kw.setdefault("render_kw", {"inputmode": "numeric", "placeholder": "dd/mm/yyyy",
                                    "autocomplete": "off"})
        super().__init__(label, validators, **kw)
        self.date = None

    def pre_validate(self, form):
        try:
            self.date = parse_date(self.data)
        except InvalidValue as exc:
            raise ValidationError(_l("Enter the date as dd/mm/yyyy.")) from exc


def _role_choices():
    return [(key, label) for key, label in ROLE_LABELS.items()]


def _gender_choices():
    return [("", "—")] + [(key, label) for key, label in GENDER_LABELS.items()]


_PHONE_KW = {"inputmode": "tel", "autocomplete": "off"}


class PersonForm(FlaskForm):
    """A person's data (officer)."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the full name.")),
                                                        Length(max=120)])
    phone = StringField(_l("Phone number"), validators=[DataRequired(_l("Enter the phone number."))],
                        render_kw=_PHONE_KW)
    birth_year = IntegerField(_l("Birth year"), validators=[Optional(), NumberRange(
        1900, 2026, _l("Enter a birth year between 1900 and this year."))],
        render_kw={"inputmode": "numeric"})
    gender = SelectField(_l("Gender"), choices=_gender_choices, validators=[Optional()])
    occupation = StringField(_l("Occupation or workplace"), validators=[Length(max=160)])
    submit = SubmitField(_l("Save"))


class ContactForm(FlaskForm):
    """The contact fields a member may change on their own profile."""

    phone = StringField(_l("Phone number"), validators=[DataRequired(_l("Enter the phone number."))],
                        render_kw=_PHONE_KW)
    occupation = StringField(_l("Occupation or workplace"), validators=[Length(max=160)])
    password = PasswordField(_l("Your password (needed to change the phone number)"),
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Save"))


class JoinForm(PersonForm):
    """A join proposal from the team leader, with the chairman's approval if already known."""

    role = SelectField(_l("Proposed role"), choices=_role_choices, default="member")
    proposed_on = DateText(_l("Date of the proposal"),
                           validators=[DataRequired(_l("Enter the date of the proposal."))])
    proposer_name = StringField(_l("Proposed by (team leader)"), validators=[Length(max=120)])
    decided_on = DateText(_l("Date of the chairman's approval (if approved)"))
    decision_no = StringField(_l("Decision number"), validators=[Length(max=64)])
    submit = SubmitField(_l("Record the proposal"))


class LeaveForm(FlaskForm):
    """A leave proposal, with the approval if already known."""

    proposed_on = DateText(_l("Date of the proposal"),
                           validators=[DataRequired(_l("Enter the date of the proposal."))])
    reason = StringField(_l("Reason for leaving"), validators=[Length(max=500)])
    proposer_name = StringField(_l("Proposed by (team leader)"), validators=[Length(max=120)])
    decided_on = DateText(_l("Date of the chairman's approval (if approved)"))
    decision_no = StringField(_l("Decision number"), validators=[Length(max=64)])
    submit = SubmitField(_l("Record the leave"))


class DecideForm(FlaskForm):
    """The chairman's decision on a proposal."""

    decided_on = DateText(_l("Date of the decision"),
                          validators=[DataRequired(_l("Enter the date of the decision."))])
    decision_no = StringField(_l("Decision number"), validators=[Length(max=64)])
    approve = SubmitField(_l("Approved"))
    reject = SubmitField(_l("Not approved"))


class MoveForm(FlaskForm):
    """Move a person to another team of the commune."""

    team = SelectField(_l("New team"), coerce=int)
    on = DateText(_l("Date of the move"), validators=[DataRequired(_l("Enter the date."))])
    role = SelectField(_l("Role in the new team"), choices=_role_choices, default="member")
    decision_no = StringField(_l("Decision number"), validators=[Length(max=64)])
    submit = SubmitField(_l("Move"))


class RoleForm(FlaskForm):
    """Change the role in an active membership."""

    role = SelectField(_l("Role"), choices=_role_choices)
    submit = SubmitField(_l("Change the role"))


class ImportForm(FlaskForm):
    """Upload a roster spreadsheet."""

    file = FileField(_l("Roster file (.xlsx, .xls, .csv or .txt)"),
                     validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": IMPORT_ACCEPT})
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """Confirm a previewed import."""

    create_villages = HiddenField()
    submit = SubmitField(_l("Import"))


class CommuneForm(FlaskForm):
    """A new commune: an official unit picked from the search results (``official_code``),
    or, for the administrator only, a free-typed one (code, name, province)."""

    official_code = IntegerField(_l("Official unit"), validators=[Optional()])
    code = StringField(_l("Short code (optional)"), validators=[Length(max=16)],
                       render_kw={"autocomplete": "off", "placeholder": "DT"})
    name = StringField(_l("Name"), validators=[Length(max=120)])
    province = StringField(_l("Province"), validators=[Length(max=120)])
    village_kind = SelectField(_l("Villages are called"),
                               choices=lambda: list(KIND_LABELS.items()))
    submit = SubmitField(_l("Create the commune"))


class OfficerForm(FlaskForm):
    """Assign an officer to a commune (an existing account by phone, or a new one)."""

    phone = StringField(_l("Phone number"), validators=[DataRequired(_l("Enter the phone number."))],
                        render_kw=_PHONE_KW)
    full_name = StringField(_l("Full name (for a new account)"), validators=[Length(max=120)])
    submit = SubmitField(_l("Assign"))
