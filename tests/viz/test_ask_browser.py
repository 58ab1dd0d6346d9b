"""The question box in real headless Chromium: typed on the landing page and on a view, the
question is answered on the answer page; an ambiguous name's candidates are links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.viz import browser as bx

pytestmark = pytest.mark.skipif(bx.skip_reason() is not None, reason=str(bx.skip_reason()))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with bx.browser() as b:
        yield b


def ask_in_box(page: Any, question: str) -> None:
    page.fill("#gg-ask-q", question)
    with page.expect_navigation():
        page.press("#gg-ask-q", "Enter")


@pytest.mark.parametrize(
    ("start", "question", "read", "shown"),
    [
        ("/", "Who decides about billeddiagnostik?", "who_decides", "Diagnostic imaging"),
        ("/", "Hva rammes hvis EPJ SYD blir forsinket?", "impact", "Hvis EPJ SYD blir forsinket"),
        ("/views", "Hvem sidder i porteføljestyregruppen?", "members", "Porteføljestyregruppen"),
        ("/views/who-decides?subject=ds", "Who sits in the Digital Steering Group?", "members",
         "Torben Dalgaard"),
    ],
)  # fmt: skip
def test_question_box_answers(
    chromium: Any, app_url: str, start: str, question: str, read: str, shown: str
) -> None:
    page, watch = bx.watched_page(chromium)
    page.goto(app_url + start)
    ask_in_box(page, question)
    assert page.input_value("#gg-ask-q") == question
    assert page.get_attribute("#gg-ask-read", "data-query") == read
    assert shown in page.inner_text("body")
    assert page.query_selector("#gg-ask-error") is None
    assert watch.console_errors == [] and watch.blocked == []
    page.close()


def test_ambiguous_name_offers_candidates_as_links(chromium: Any, app_url: str) -> None:
    page, watch = bx.watched_page(chromium)
    page.goto(app_url + "/")
    ask_in_box(page, "Hvem beslutter om sundhed?")
    assert page.evaluate("document.documentElement.lang") == "da"  # the question's language
    assert "kan betyde flere ting" in page.inner_text("#gg-ask-error")
    choices = page.inner_text("#gg-ask-choices")
    assert "Digital Sundhed Øst" in choices and "samarbejde" in choices
    with page.expect_navigation():
        page.click("#gg-ask-choices >> text=Digital Sundhed Øst")
    assert "Digital Sundhed Øst" in page.inner_text("#gg-ask-read")
    assert watch.console_errors == [] and watch.blocked == []
    page.close()


def test_who_decides_form_finds_imaging(chromium: Any, app_url: str) -> None:
    """The issue's case: "imaging" typed in the who-decides form resolves (Diagnostic imaging)."""
    page, watch = bx.watched_page(chromium)
    page.goto(app_url + "/views/who-decides")
    page.fill("#gg-q-subject", "imaging capital")  # two regions have an imaging domain
    with page.expect_navigation():
        page.click("form.gg-question button[type=submit]")
    assert page.query_selector(".gg-error") is None
    assert page.query_selector("#gg-answer") is not None
    assert "Billeddiagnostik" in page.inner_text("#gg-answer")
    assert watch.blocked == []
    page.close()
