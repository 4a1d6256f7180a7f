"""Forms of the training package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.spreadsheets import IMPORT_ACCEPT
from lms.training.messages import MODE_LABELS


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter the session title.")),
                                                 Length(max=200)])
    date = StringField(_l("Date (dd/mm/yyyy)"), validators=[DataRequired(_l("Enter the date."))],
                       render_kw={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    mode = SelectField(_l("Mode"), choices=[(k, v) for k, v in MODE_LABELS.items()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    meeting_link = StringField(_l("Meeting link"), validators=[Optional(), Length(max=500)],
                               render_kw={"inputmode": "url"})
    trainer = StringField(_l("Trainer"), validators=[Optional(), Length(max=160)])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1)])
    late_grace_minutes = IntegerField(_l("Late after (minutes from the start)"), default=15,
                                      validators=[Optional(), NumberRange(min=0, max=240)])
    issues_certificates = BooleanField(_l("Issues attendance certificates"))
    teams = MultiCheckboxField(_l("Invited teams (none chosen: every team of the commune)"),
                               coerce=int, validate_choice=False)
    extra_communes = StringField(_l("Also invite every team of these communes (codes, comma "
                                    "separated)"), validators=[Optional(), Length(max=200)])
    modules = MultiCheckboxField(_l("Modules covered"), coerce=int, validate_choice=False)


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Enter the reason for cancelling.")),
                                                     Length(max=1000)])


class RuleForm(FlaskForm):
    required_count = IntegerField(_l("Trainings required in the year"), default=1,
                                  validators=[DataRequired(), NumberRange(min=1, max=20)])
    online_path_counts = BooleanField(_l("Completing the online learning path counts as one training"))
    path_slug = StringField(_l("Learning path (code)"), default="ky-nang-so-co-ban",
                            validators=[Optional(), Length(max=64)])
    deadline = StringField(_l("Deadline for the online path (dd/mm/yyyy, optional)"),
                           validators=[Optional()], render_kw={"inputmode": "numeric"})
    grace_days = IntegerField(_l("Grace period for new members (days)"), default=60,
                              validators=[Optional(), NumberRange(min=0, max=366)])


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx, .xls, .csv or .txt)"),
                     validators=[DataRequired(_l("Choose a file."))],
                     render_kw={"accept": IMPORT_ACCEPT})


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token."""


__all__ = ["SessionForm", "CancelForm", "RuleForm", "ImportForm", "ConfirmForm", "DateField"]
