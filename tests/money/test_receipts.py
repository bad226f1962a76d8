"""Receipts: numbered without gaps per year in SQL (50 racing payments get 50 consecutive numbers;
a payment rolled back gives its number back), printed as PDF in the payer's language with the
association's mentions; the treasurer's CSVs for French Excel; the adhésion reminder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading

import psycopg
from pypdf import PdfReader

from lib.core import clock, db
from lib.mail import messages
from lib.money import money, receipts
from lib.space import space
from tests.conftest import claims
from tests.money.conftest import ADMIN, ALICE, BOB, STAFF
from tests.money.conftest import BOARD as BOARD_EMAIL


def _numbers() -> list[tuple[int, int]]:
    with db.as_owner() as conn:
        return [(r["receipt_year"], r["receipt_number"]) for r in conn.execute(
            "select receipt_year, receipt_number from public.payments order by receipt_number")]


def test_fifty_racing_payments_get_fifty_consecutive_numbers(money_space):
    who = [claims(STAFF), claims(ADMIN)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def pay(i: int) -> None:
        try:
            barrier.wait()
            money.record_payment(who[i % 2], money_space["bob"], 100 + i, "cash")
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(50)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    numbers = _numbers()
    assert [n for _, n in numbers] == list(range(1, 51))
    assert len({y for y, _ in numbers}) == 1


def test_a_payment_rolled_back_leaves_no_gap(money_space):
    money.record_payment(claims(STAFF), money_space["bob"], 100, "cash")
    try:
        with db.as_user(claims(STAFF)) as conn:
            conn.execute("select public.record_payment(%s, 200, 'cash')", (money_space["bob"],))
            conn.execute("select 1/0")  # the rest of the transaction fails
    except psycopg.Error:
        pass
    money.record_payment(claims(STAFF), money_space["bob"], 300, "cash")
    assert [n for _, n in _numbers()] == [1, 2]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_receipt_prints_the_mentions_in_the_payers_language(money_space):
    money.save_money_settings(claims(ADMIN), {"association_name": "Association La Cantine des Lices",
                                              "association_address": "2 rue de l'Église, 35000 Rennes",
                                              "association_siret": "12345678900012", "vat_exempt": True})
    carnet = money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cheque", "0004567")
    text = _pdf_text(receipts.receipt_pdf(claims(ALICE), str(carnet["payment_id"])))
    for expected in ("Association La Cantine des Lices", "2 rue de l'Église", "SIRET 12345678900012",
                     "Reçu n° ", "-0001", "Carnet — Carnet 2 jours", "30,00", "€", "Chèque (0004567)",
                     "TVA non applicable, art. 293 B du CGI"):
        assert expected in text, (expected, text)
    # an English-speaking company: English words, the company on the receipt, the mention still French
    with db.as_owner() as conn:
        conn.execute("update public.members set locale = 'en' where id = %s", (money_space["bob"],))
    paid = money.record_payment(claims(STAFF), money_space["bob"], 123450, "transfer", "other", "Room hire",
                                company_name="Pixel Studio SARL", company_address="1 quai Duguay-Trouin, Rennes")
    text = _pdf_text(receipts.receipt_pdf(claims(STAFF), str(paid["id"])))
    for expected in ("Receipt no.", "Pixel Studio SARL", "1 quai Duguay-Trouin", "€1,234.50", "Bank transfer",
                     "TVA non applicable"):
        assert expected in text, (expected, text)
    # nobody else's receipt
    try:
        receipts.receipt_pdf(claims(ALICE), str(paid["id"]))
        raise AssertionError("Alice read Bob's receipt")
    except money.UserError as exc:
        assert exc.key == "money.receipt_unknown"


def test_no_vat_mention_when_the_association_charges_vat(money_space):
    money.save_money_settings(claims(ADMIN), {"vat_exempt": False})
    paid = money.record_payment(claims(STAFF), money_space["bob"], 500, "cash")
    assert "TVA non applicable" not in _pdf_text(receipts.receipt_pdf(claims(STAFF), str(paid["id"])))


def test_the_treasurers_csvs_open_in_french_excel(money_space):
    money.sell_carnet(claims(STAFF), money_space["alice"], money_space["card"], "cheque", "=HYPERLINK(1)")
    paid = money.record_payment(claims(STAFF), money_space["bob"], 123450, "card_terminal", "other", "Salle")
    money.refund(claims(STAFF), str(paid["id"]), 450, "cash")
    tz = money_space["settings"]["time_zone"]
    first, last = clock.space_today(space.settings()["time_zone"]) - dt.timedelta(days=1), clock.space_today(space.settings()["time_zone"]) + dt.timedelta(days=1)
    data = money.payments_csv(claims(STAFF), first, last, "fr", tz)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Reçu" and rows[0][-1] == "Montant (€)"
    assert [r[-1] for r in rows[1:]] == ["30,00", "1234,50", "-4,50"]
    assert rows[1][6] == "'=HYPERLINK(1)"  # a formula typed as a reference stays text
    assert rows[2][5] == "Carte bancaire (TPE)"
    income = list(csv.reader(io.StringIO(money.income_csv(claims(ADMIN), first, last, "fr").decode("utf-8-sig")),
                             delimiter=";"))
    assert ["Carnet", "Carnet 2 jours", "1", "30,00"] in income
    assert sum(float(r[3].replace(",", ".")) for r in income[1:]) == 30 + 1234.50 - 4.50
    year = money.year_totals(claims(ADMIN), clock.space_today(space.settings()["time_zone"]).year)
    assert year["total_cents"] in (3000 + 123450 - 450, 0)  # 0 only across new year's midnight in the space


def test_who_is_due_and_the_reminder_through_the_outbox(money_space):
    money.sell_adhesion(claims(STAFF), money_space["alice"], "cash")
    due = {r["member_id"]: r for r in (dict(x) | {"member_id": str(x["member_id"])}
                                       for x in money.adhesions_due(claims(STAFF), 30))}
    assert money_space["bob"] in due and money_space["alice"] not in due
    assert due[money_space["bob"]]["ends_on"] is None
    assert money.queue_reminders(claims(STAFF), [money_space["bob"]]) == 1
    assert money.queue_reminders(claims(STAFF), [money_space["bob"]]) == 0  # once per adhésion end
    try:
        money.queue_reminders(claims(BOB), [money_space["bob"]])
        raise AssertionError("a member queued a reminder")
    except money.UserError as exc:
        assert exc.key == "money.team_only"
    with db.as_owner() as conn:
        row = conn.execute("select * from public.notifications where kind = 'adhesion_reminder'").fetchone()
    mail = messages.render(row, "cantine@example.org", "https://cantine.example.org")
    body = mail.get_body(("plain",)).get_content()
    assert row["to_email"] == BOB and "20,00" in body and "https://cantine.example.org/my_money" in body


def test_the_annual_report_prints_the_years_income(money_space):
    from lib.dashboards import report  # noqa: PLC0415 — only this test needs the report

    money.record_payment(claims(STAFF), money_space["bob"], 123450, "cash")
    year = money.year_totals(claims(ADMIN), clock.space_today(space.settings()["time_zone"]).year)["year"]
    figures = report.figures(claims(BOARD_EMAIL), year)
    assert figures["income"]["total_cents"] in (123450, 0)  # 0 only across new year's midnight
    text = _pdf_text(report.build_pdf(figures, "fr", "Cantine"))
    assert "Recettes de l'année" in text and ("1 234,50" in text.replace("\u202f", " ") or figures["income"]["total_cents"] == 0)


def test_the_command_line_writes_the_treasurers_csvs(money_space, tmp_path):
    from tests.cli.test_cli_and_seed import cli  # noqa: PLC0415 — the command-line helper, for this test only

    money.record_payment(claims(STAFF), money_space["bob"], 123450, "cheque", "other", "Salle", "77")
    day = clock.space_today(space.settings()["time_zone"])
    out = tmp_path / "paiements.csv"
    done = cli("money", "payments", str(out), "--from", str(day - dt.timedelta(days=1)),
               "--to", str(day + dt.timedelta(days=1)))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[1][-3:] == ["Chèque", "77", "1234,50"]
    refused = cli("money", "income", "--from", str(day), "--to", str(day - dt.timedelta(days=1)))
    assert refused.returncode == 2 and "--to" in refused.stderr
