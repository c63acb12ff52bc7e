"""A form as our pages post it is read in one step (app.flask_app.IndgangRequest), to the same
values as werkzeug's own parser reads; any other body is left to werkzeug."""

import io

import pytest
from flask import Request
from werkzeug.formparser import FormDataParser
from werkzeug.test import EnvironBuilder

from app.flask_app import IndgangRequest

from builders import FITTING_ANSWERS

URLENCODED = "application/x-www-form-urlencoded"

BODIES = [
    b"question=D10&answer=12&csrf_token=abc.def",
    b"answer=F18&answer=F21&answer=&none=",  # ticks: one key several times, blank values kept
    b"text=Ish%C3%B8j+og+Vallensb%C3%A6k&empty&=x",
    b"code=AB%ZZ%&odd=%E2%82",  # broken percent escapes
    "text=Ishøj".encode(),  # a letter not escaped
    b"text=\xff\xfe",  # not UTF-8
    b"",
]


def _request(body: bytes, content_type: str = URLENCODED) -> IndgangRequest:
    return IndgangRequest(EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ())


def _served(body: bytes, **environ) -> IndgangRequest:
    """As gunicorn hands a form over: the body already cut to its length (`wsgi.input_terminated`)."""
    built = EnvironBuilder(method="POST", data=body, content_type=URLENCODED).get_environ()
    return IndgangRequest({**built, "wsgi.input_terminated": True, **environ})


def _werkzeugs(body: bytes, content_type: str = URLENCODED) -> list:
    return list(FormDataParser().parse(io.BytesIO(body), content_type, len(body))[1].items(multi=True))


@pytest.mark.parametrize("body", BODIES)
def test_a_posted_form_reads_as_werkzeug_reads_it_without_werkzeugs_parser(body, monkeypatch):
    request = _request(body)
    monkeypatch.setattr(request, "make_form_data_parser", lambda: pytest.fail("werkzeug's parser was made"))
    assert list(request.form.items(multi=True)) == _werkzeugs(body)
    assert not request.files and request.form is request.form


def test_a_form_with_a_charset_or_of_another_kind_is_werkzeugs_to_read():
    with_charset = _request(b"answer=a&answer=b", URLENCODED + "; charset=utf-8")
    assert with_charset.form.getlist("answer") == ["a", "b"]
    assert not _request(b'{"answer": "a"}', "application/json").form


def test_a_body_read_before_the_form_still_gives_the_form():
    request = _request(b"answer=a")
    assert request.get_data() == b"answer=a"
    assert request.form["answer"] == "a"


def test_a_posted_form_larger_than_allowed_is_refused_and_nothing_else_is_read(client):
    huge = b"answer=" + b"x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/chat", data=huge, content_type=URLENCODED)
    assert response.status_code == 413


def test_the_app_reads_an_answer_in_one_step(citizen, monkeypatch):
    monkeypatch.setattr(Request, "make_form_data_parser", lambda self: pytest.fail("werkzeug's parser was made"))
    question = citizen.current_question()
    citizen.answer(question, "25_plus")
    assert citizen.current_question() != question


@pytest.mark.parametrize("body", BODIES)
def test_a_form_the_server_cut_to_its_length_reads_as_werkzeug_reads_it(body, monkeypatch):
    request = _served(body)
    monkeypatch.setattr(request, "make_form_data_parser", lambda: pytest.fail("werkzeug's parser was made"))
    monkeypatch.setattr(IndgangRequest, "stream", property(lambda _: pytest.fail("werkzeug's limited stream was made")))
    assert list(request.form.items(multi=True)) == _werkzeugs(body)


def test_a_form_the_server_cut_is_read_to_its_declared_length_only():
    assert _served(b"answer=a&answer=b", CONTENT_LENGTH="8").form.getlist("answer") == ["a"]


def test_a_chunked_form_the_server_terminated_is_read_whole():
    request = _served(b"answer=a&answer=b", HTTP_TRANSFER_ENCODING="chunked")
    del request.environ["CONTENT_LENGTH"]
    assert request.form.getlist("answer") == ["a", "b"]


@pytest.mark.parametrize("declared", ["abc", "\u00b2", "-5", "9" * 5000])
def test_a_length_that_is_no_number_reads_an_empty_form(declared):
    assert not _served(b"answer=a", CONTENT_LENGTH=declared).form


#: What gunicorn tells the app: it has cut the body to its declared length.
CUT_TO_LENGTH = {"wsgi.input_terminated": True}


@pytest.fixture
def asked(citizen) -> tuple[str, str]:
    """The citizen has answered the first question and is shown the second: (first, second)."""
    first = citizen.current_question()
    citizen.answer(first, "25_plus")
    return first, citizen.current_question()


def test_an_answer_the_server_cut_to_its_length_is_taken(citizen, asked):
    second = asked[1]
    answer = {"question": second, "answer": FITTING_ANSWERS[second]}
    assert citizen.post("/chat", answer, environ_overrides=CUT_TO_LENGTH).status_code == 303
    assert citizen.current_question() not in asked


def test_a_form_the_server_cut_is_still_refused_over_the_limit_and_the_answers_are_kept(citizen, asked, app):
    second = asked[1]
    huge = {"question": second, "text": "x" * app.config["MAX_CONTENT_LENGTH"]}
    assert citizen.post("/chat", huge, environ_overrides=CUT_TO_LENGTH).status_code == 413
    assert citizen.current_question() == second
