"""A person on a phone, driving the app through Flask's test client."""

import re
from urllib.parse import urlsplit

from intake.catalogue import load_catalogue

from builders import FITTING_ANSWERS

#: The token as our templates write it, or as Flask-WTF renders a form's hidden field.
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


#: A bookable time on a booking page, as the form names it.
SLOT = re.compile(r'name="slot" value="([^"]+)"')


class Citizen:
    """A person on a phone: keeps the page they see and posts its forms with the CSRF token."""

    #: Where a token is fetched when the page shown has none.
    TOKEN_PAGE = "/code"

    def __init__(self, client):
        self.client = client
        self.page = ""
        self.language = None

    def another_tab(self, client) -> "Citizen":
        """The same browser in another tab (through `client`): its cookie, on the same page."""
        tab = Citizen(client)
        tab.client.set_cookie("indgang", self.client.get_cookie("indgang").value)
        tab.page = self.page
        return tab

    def choose_language(self, language: str) -> None:
        """Follow the picker's link: from now on links and forms carry `?lang=` (app/i18n.py)."""
        self.language = language

    def get(self, path, **kwargs):
        response = self.client.get(self._address(path), **kwargs)
        self.page = response.get_data(as_text=True)
        return response

    def post(self, path, data=None, **kwargs):
        token = self.csrf_token()
        form = {**({"csrf_token": token} if token else {}), **(data or {})}
        response = self.client.post(self._address(path), data=form, **kwargs)
        self.page = response.get_data(as_text=True)
        return response

    def _address(self, path: str) -> str:
        if not self.language:
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={self.language}"

    def csrf_token(self) -> str | None:
        """The token of the page shown, else of a fresh page; None while the browser has no
        session (pages shown before the first act carry none, `app.security`)."""
        if not CSRF_PATTERN.search(self.page):
            self.get(self.TOKEN_PAGE, follow_redirects=True)
        match = CSRF_PATTERN.search(self.page)
        return (match.group(1) or match.group(2)) if match else None

    def current_question(self) -> str | None:
        """The question the chat goes on with (at its own address), None once it is finished."""
        response = self.get("/chat", follow_redirects=True)
        if response.request.path == "/result":
            return None
        return self.shown_question()

    def shown_question(self) -> str:
        return re.search(r'name="question" value="([^"]+)"', self.page).group(1)

    def back(self):
        """Follow the chat's Back link, as the phone's Back button would."""
        return self.get(re.search(r'class="back-link" href="([^"]+)"', self.page).group(1))

    def answer(self, question_id, value):
        """Answer as the form would: a button value, a number, ticks, or "none of these"."""
        data = {"question": question_id}
        if value == []:
            data["none"] = "1"
        else:
            data["answer"] = [str(v) for v in value] if isinstance(value, list) else str(value)
        return self.post("/chat", data)

    def finish_screening(self, answers=None, typed=None):
        """Answer every question shown from `answers`; `typed` text is sent once on the way."""
        answers = {**FITTING_ANSWERS, **(answers or {})}
        for _ in range(len(load_catalogue().questions) + 5):
            question_id = self.current_question()
            if question_id is None:
                return self.get("/result")
            if typed:
                self.post("/chat", {"question": question_id, "text": typed})
                typed = None
            response = self.answer(question_id, answers[question_id])
            assert response.status_code == 303, (question_id, self.page[-1500:])
        raise AssertionError("the screening did not finish")

    def get_code(self) -> str:
        """Finish the result step: create the case, read the code, and on the next screen (where
        it is no longer shown) type the whole code back. Returns the code as written down."""
        self.post("/code/new")
        self.get("/code/new")
        code = "-".join(shown_code_groups(self.page))
        self.get("/code/check")
        response = self.post("/code/confirm", {"code": code})
        assert urlsplit(response.headers["Location"]).path == "/book", self.page[-1500:]
        return code

    def book_first_time(self, place: str = "laenke-hvidovre") -> str:
        """A person with a case: finish the screening, take the code and book the first free time
        at `place`, in person. Returns the code."""
        self.finish_screening()
        code = self.get_code()
        self.get(f"/book/{place}")
        self.post("/book", {"slot": SLOT.findall(self.page)[0], "mode": "in_person"})
        return code


def shown_code_groups(page: str) -> list[str]:
    """The groups of the code as the page shows them."""
    return re.findall(r'<span class="code-group">([^<]+)</span>', page)
