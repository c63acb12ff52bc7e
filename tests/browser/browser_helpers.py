"""Helpers shared by the browser tests' fixtures (a uniquely named module: `pythonpath = ["tests"]`
and each test's folder are on sys.path)."""

from urllib.parse import urlsplit

from served import LOOPBACK

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "da-DK"}


def guarded(browser, base_url: str, allowed: tuple[str, ...]):
    """`open_context(**options)` on `base_url`; a request to an origin not in `allowed` (each
    on loopback) is aborted and fails the test at teardown."""
    assert all(urlsplit(origin).hostname == LOOPBACK for origin in allowed)
    origins = {urlsplit(origin).netloc for origin in allowed}
    contexts = []
    foreign = []

    def guard(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.netloc in origins:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    def open_context(**options):
        context = browser.new_context(base_url=base_url, **options)
        context.route("**/*", guard)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
