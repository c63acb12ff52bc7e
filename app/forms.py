"""The base of every form: Flask-WTF parsing and validation, with WTForms' own messages in the
person's language (Flask-WTF's Babel support). CSRF is checked once for every POST by
`app.security`, so a form does not check it a second time."""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        csrf = False
