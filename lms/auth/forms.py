"""Log-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    phone = StringField(
        _l("Phone number"),
        validators=[DataRequired(_l("Enter your phone number."))],
        render_kw={"autocomplete": "username", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current or temporary password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password (at least 8 characters)"),
        validators=[
            DataRequired(_l("Choose a new password.")),
            Length(min=8, message=_l("The new password must have at least 8 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password again.")),
            EqualTo("new", message=_l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save the new password"))


class AccountForm(FlaskForm):
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=120)]
    )
    phone = StringField(
        _l("Phone number"),
        validators=[DataRequired(_l("Enter the phone number."))],
        render_kw={"inputmode": "tel"},
    )
    birth_year = IntegerField(
        _l("Birth year"),
        validators=[Optional(), NumberRange(1920, 2015, _l("Enter a year between 1920 and 2015."))],
        render_kw={"inputmode": "numeric"},
    )
    account_role = SelectField(
        _l("Account type"),
        choices=[("member", _l("Team member")), ("officer", _l("Commune officer"))],
        default="member",
    )
    submit = SubmitField(_l("Create the account"))


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token and a button (resets, log-out, language)."""

    submit = SubmitField(_l("Confirm"))
