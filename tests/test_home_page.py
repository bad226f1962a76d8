"""The app shell and home page, through Streamlit's AppTest on a real database."""

from tests.conftest import DEMO, app_as


def test_home_page_shows_demo_data_and_counts(demo_db):
    at = app_as(DEMO["admin"])
    assert not at.exception
    assert "La Cantine des Lices" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Membres"] == "120"
    assert metrics["Postes"] == "24"
    assert any("démonstration" in i.value for i in at.info)


def test_signed_out_visitor_sees_sign_in_only(demo_db):
    at = app_as(None)
    assert not at.exception
    assert at.title[0].value == "Se connecter"
    assert not at.metric
