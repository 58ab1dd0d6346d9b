"""``/portfolio``, ``/indicators``, ``/milestones``, ``/portfolio.xlsx`` and the portfolio views,
and the same answers from the CLI (issue 16)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from tests.api.conftest import api_settings
from tests.conftest import CliResult
from tests.graph.dependency_fixtures import deps_store

DAY = "2024-05-01"


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(api_settings(tmp_path_factory.mktemp("plan")), store=deps_store("portfolio"))
    with TestClient(app) as client:
        yield client


def test_portfolio_route_gives_the_query_answer_with_paging(plan_client: TestClient) -> None:
    answer = plan_client.get("/portfolio", params={"body": "psg", "as_of": DAY, "limit": 2}).json()
    assert [i["id"] for i in answer["items"]] == ["p-alpha", "p-eps"]
    assert answer["page"] == {"total": 6, "limit": 2, "offset": 0}
    assert answer["items"][0]["inform"][0]["id"] == "board"
    overview = plan_client.get("/portfolio", params={"as_of": DAY}).json()
    assert [u["id"] for u in overview["unfollowed"]] == ["p-orphan"]


def test_indicators_and_milestones_routes(plan_client: TestClient) -> None:
    rows = plan_client.get("/indicators", params={"subject": "g-use", "series": True}).json()
    uptake = next(i for i in rows["indicators"] if i["id"] == "ind-uptake")
    assert [s["value"] for s in uptake["series"]] == [50, 60, 70]
    due = plan_client.get("/milestones", params={"from": "2024-06", "to": "2024-12", "as_of": DAY})
    assert [m["id"] for m in due.json()["milestones"]] == ["m-a2", "m-b1", "m-g1"]


def test_errors_take_the_one_error_shape(plan_client: TestClient) -> None:
    missing = plan_client.get("/portfolio", params={"body": "nobody-at-all"})
    assert missing.status_code == 404 and "error" in missing.json()
    bad = plan_client.get("/milestones", params={"from": "2024-06-31", "to": "2024-07"})
    assert bad.status_code == 400 and bad.json()["argument"] == "from"
    backwards = plan_client.get("/milestones", params={"from": "2024-06", "to": "2024-01"})
    assert backwards.status_code == 200 and backwards.json()["message"]
    too_many = plan_client.get("/portfolio", params={"limit": 5000})
    assert too_many.status_code == 400 and "limit" in too_many.text


def test_xlsx_export_route(plan_client: TestClient) -> None:
    response = plan_client.get("/portfolio.xlsx", params={"body": "psg", "as_of": DAY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Portfolio", "Indicators"]
    assert {row[0].value for row in book["Portfolio"].iter_rows(min_row=2)} >= {"p-alpha", "init-x"}


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/views/portfolio?body=psg&as_of=2024-05-01&lang=da", "Porteføljetavle"),
        ("/views/timeline?body=psg&as_of=2024-05-01", "milestone critical"),
        ("/views/indicators?lang=nb", "<polyline"),
        ("/views/portfolio", "Steering body"),
    ],
)
def test_views_render(plan_client: TestClient, path: str, needle: str) -> None:
    response = plan_client.get(path)
    assert response.status_code == 200 and needle in response.text
    assert "<script" not in response.text  # server-side SVG: nothing to run


def test_cli_portfolio_commands(cli: Callable[..., CliResult]) -> None:
    board = cli("portfolio", "Porteføljestyregruppen", "--json")
    assert board.exit_code == 0
    assert {i["id"] for i in board.json()["items"]} >= {"project-fmk", "project-nsp"}  # type: ignore[index]
    text = cli("portfolio", "portfolio-steering-group")
    assert text.exit_code == 0 and "project-fmk" in text.stdout and "5 grey" in text.stdout
    found = cli("indicators", "fo5-indikatorer", "--json").json()
    assert {i["id"] for i in found["indicators"]} == {  # type: ignore[index]
        "ind-regionale-it-anvendelse", "ind-kommunikationsaftaler", "ind-nationale-loesninger"
    }  # fmt: skip
    assert cli("milestones", "--from", "2020", "--to", "2030", "--json").exit_code == 0
    assert cli("portfolio", "no-such-body-anywhere").exit_code == 3
    assert cli("milestones", "--from", "2024-13", "--to", "2025").exit_code == 64


def test_cli_writes_the_sheet(cli: Callable[..., CliResult], tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "psg.xlsx"
    result = cli("portfolio", "portfolio-steering-group", "--xlsx", str(target), "--json")
    assert result.exit_code == 0 and result.json()["export"]["rows"] == 5  # type: ignore[index]
    assert load_workbook(target)["Portfolio"]["A2"].value.startswith("project-")
