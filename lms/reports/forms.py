"""The report texts form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length


class ReportForm(FlaskForm):
    """The number and the three texts of a report; save as draft or send."""

    number = StringField(_l("Number (Số)"), validators=[Length(max=32)],
                         render_kw={"placeholder": "12/BC-UBND", "autocomplete": "off"})
    assessment = TextAreaField(_l("General assessment"), validators=[Length(max=5000)])
    difficulties = TextAreaField(_l("Difficulties and obstacles"), validators=[Length(max=5000)])
    proposals = TextAreaField(_l("Proposals and recommendations"), validators=[Length(max=5000)])
    save = SubmitField(_l("Save the draft"))
    send = SubmitField(_l("Mark as sent"))
