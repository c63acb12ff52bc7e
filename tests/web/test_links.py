"""Links in templates, built once per process (app.flask_app)."""

from flask import g, render_template_string, session
from flask_wtf.csrf import generate_csrf


def test_a_kept_link_still_follows_the_language_in_the_address(app):
    page = "{{ url_for('citizen.enter_code') }} {{ url_for('citizen.chat_question', question_id='D10') }}"
    for _ in range(2):
        with app.test_request_context("/"):
            assert render_template_string(page) == "/code /chat/D10"
        with app.test_request_context("/?lang=en"):
            assert render_template_string(page) == "/code?lang=en /chat/D10?lang=en"


def test_a_kept_link_follows_the_script_root(app):
    for root in ("", "/indgang", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            assert render_template_string("{{ url_for('citizen.landing') }}") == f"{root}/"


def test_relative_and_external_links_are_built_as_flask_builds_them(app):
    with app.test_request_context("/chat"):
        assert render_template_string("{{ url_for('.enter_code') }}") == "/code"
    with app.test_request_context("/", base_url="https://indgang.example"):
        assert render_template_string("{{ url_for('citizen.landing', _external=True) }}") == "https://indgang.example/"


def test_a_link_with_several_values_of_one_argument_is_built_each_time(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('citizen.landing', x=['1', '2']) }}") == "/?x=1&amp;x=2"


def test_views_build_their_links_through_the_same_table(app):
    from flask import url_for

    with app.test_request_context("/chat?lang=en"):
        app.preprocess_request()
        assert url_for(".chat_question", question_id="D10") == "/chat/D10?lang=en"
        assert url_for("citizen.landing", _anchor="top") == "/?lang=en#top"
        kept = len(app._kept_links)
        assert url_for("citizen.chat_question", question_id="D10") == "/chat/D10?lang=en"
        assert len(app._kept_links) == kept  # the same link, found again
    with app.test_request_context("/nowhere"):  # no blueprint: the app's own endpoint
        assert url_for(".static", filename="style.css") == "/static/style.css"


def test_templates_still_see_g_request_session_and_the_csrf_token_without_context_processors(app):
    """Flask's and Flask-WTF's context processors are dropped (app.flask_app): what they added
    is there as template globals."""
    page = "{{ request.path }} {{ session.get('seen') }} {{ g.account }} {{ csrf_token() == token }}"
    with app.test_request_context("/chat/age_band"):
        g.account, session["seen"] = "staff-1", "yes"
        assert render_template_string(page, token=generate_csrf()) == "/chat/age_band yes staff-1 True"
    assert all(not processors for processors in app.template_context_processors.values())


def test_a_context_processor_added_later_still_runs(app):
    """With none left a render skips Flask's context step (app.flask_app); one added later, on
    the app or on the request's blueprint, is run again, and what the render passes wins."""
    with app.test_request_context("/chat/age_band"):
        assert render_template_string("{{ extra | default('none') }}") == "none"
    app.template_context_processors.setdefault("citizen", []).append(lambda: {"extra": "from the blueprint"})
    app.template_context_processors[None].append(lambda: {"shown": "from the app"})
    with app.test_request_context("/chat/age_band"):
        assert render_template_string("{{ extra }}, {{ shown }}", shown="passed") == "from the blueprint, passed"
