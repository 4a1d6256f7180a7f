"""Forms of the certificates package (officer actions)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason is required and kept in the audit log."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(_l("Give the reason for revoking.")), Length(max=500)],
    )


class ReissueForm(FlaskForm):
    """Correct the printed details and issue a replacement (new serial and code)."""

    holder_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=120)]
    )
    holder_birth_year = IntegerField(
        _l("Year of birth"),
        validators=[Optional(), NumberRange(1900, 2100, _l("Enter a year such as 1990."))],
    )
    team_name = StringField(_l("Team"), validators=[Optional(), Length(max=160)])
    title_vi = StringField(
        _l("Title (Vietnamese)"), validators=[DataRequired(_l("Enter the title.")), Length(max=300)]
    )
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class IssueForm(FlaskForm):
    """Issue a certificate by hand: a person and either a module or a session."""

    user_id = SelectField(_l("Person"), coerce=_optional_int,
                          validators=[DataRequired(_l("Choose the person."))])
    module_id = SelectField(_l("Module completed"), coerce=_optional_int, validators=[Optional()])
    session_id = SelectField(_l("Training session attended"), coerce=_optional_int,
                             validators=[Optional()])
