"""Forms of the province screens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


def _province_choices():
    from lms.org.units import province_names

    return sorted(((str(code), name) for code, name in province_names().items()),
                  key=lambda item: item[1])


class ProvinceAccountForm(FlaskForm):
    """A Sở KH&CN account (administrator)."""

    province = SelectField(_l("Province"), choices=_province_choices)
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the full name.")),
                                                        Length(max=120)])
    phone = StringField(_l("Phone number"), validators=[DataRequired(_l("Enter the phone number."))],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    submit = SubmitField(_l("Create the account"))


class OfficerImportForm(FlaskForm):
    """Upload the officers of the province's communes."""

    file = FileField(_l("Officers file (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": ".xlsx,.csv"})
    submit = SubmitField(_l("Create the accounts"))
