"""The base of every form: Flask-WTF parsing and validation, with WTForms' own messages in the
person's language. CSRF is checked once for every POST by `app.security`, so a form does not
check it a second time.

Flask-WTF's i18n (`WTF_I18N_ENABLED`) looks for WTForms' own catalogue of the locale, and WTForms
ships none for Danish, so "Not a valid date value." would reach a Danish reader in English. The
messages WTForms can give for the fields and validators we use are therefore said here in our
words and translated with our own catalogue; a message not listed stays as WTForms wrote it.
"""

from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import IntegerField

from common.text import N_

#: WTForms' own words for a value that is not a whole number.
NOT_AN_INTEGER = "Not a valid integer value."

#: WTForms' message → ours (a msgid of our catalogue); WTForms fills in %(min)s and %(max)s itself.
WTFORMS_MESSAGES = {
    "This field is required.": N_("Fill this in."),
    "Not a valid date value.": N_("That is not a date. Choose one, or write it as 2026-12-31."),
    NOT_AN_INTEGER: N_("Write a whole number."),
    "Not a valid choice.": N_("Choose one of the options."),
    "Invalid Choice: could not coerce.": N_("Choose one of the options."),
    "'%(value)s' is not a valid choice for this field.": N_("Choose one of the options."),
    "'%(value)s' are not valid choices for this field.": N_("Choose one of the options."),
    "Number must be between %(min)s and %(max)s.": N_("Write a number from %(min)s to %(max)s."),
    "Number must be at least %(min)s.": N_("Write a number of %(min)s or more."),
    "Number must be at most %(max)s.": N_("Write a number of %(max)s or less."),
    "Field cannot be longer than %(max)d character.": N_("Too long: at most %(max)d characters."),
    "Field cannot be longer than %(max)d characters.": N_("Too long: at most %(max)d characters."),
    "Field must be at least %(min)d character long.": N_("Too short: at least %(min)d characters."),
    "Field must be at least %(min)d characters long.": N_("Too short: at least %(min)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": N_("Write from %(min)d to %(max)d characters."),
}


class OurWords:
    """WTForms' translations object: its messages in our words, in the person's language."""

    def gettext(self, string: str) -> str:
        return self._ours(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._ours(singular if n == 1 else plural)

    @staticmethod
    def _ours(string: str) -> str:
        message = WTFORMS_MESSAGES.get(string)
        return get_translations().ugettext(message) if message is not None else string


class Form(FlaskForm):
    class Meta:
        csrf = False

        def get_translations(self, form):
            return OurWords()


class PageField(IntegerField):
    """A whole number typed or in the address (a page, minutes, days). More digits than any such
    number has are not a number: WTForms' `NumberRange` would overflow comparing such an integer
    as a float (a 500, found by fuzzing)."""

    MAX_DIGITS = 9

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip()) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.gettext(NOT_AN_INTEGER))
        super().process_formdata(valuelist)
