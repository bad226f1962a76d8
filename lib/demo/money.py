"""Demo money for `seed --demo`: the association's mentions, an adhésion for most members (a few
lapsed, so the desk has people to remind), a carnet for each member on the 10-day card, and a
few payments at the desk of each kind and method, with one refund.

Everything goes through the SQL functions the desk uses (`sell_adhesion`, `sell_carnet`,
`record_payment`, `refund_payment`) as the owner, so the receipts are numbered as in real use.
"""

from __future__ import annotations

import random

import psycopg

METHODS = ("cash", "cheque", "transfer", "card_terminal")


def seed_demo(conn: psycopg.Connection, rng: random.Random, scale: str) -> str:
    """Add the money demo data in the caller's transaction; returns one line for the report."""
    # a re-seed truncated the payments: their year's counters start again from one
    conn.execute("delete from private.receipt_counters where not exists (select 1 from public.payments)")
    conn.execute("update public.settings set association_name = 'Association La Cantine des Lices',"
                 " association_address = '2 place des Lices, 35000 Rennes', association_siret = '81234567800019'")
    members = conn.execute("select m.id, p.billing, p.id as plan_id from public.members m"
                           " left join public.plans p on p.id = m.plan_id where m.active order by m.email").fetchall()
    limit = 40 if scale == "small" else 400  # enough to look real; the large space is for benchmarks
    adhesions = carnets = payments = 0
    for i, row in enumerate(members):
        if i < limit and rng.random() < 0.8:
            adhesion = conn.execute("select * from public.sell_adhesion(%s, %s)",
                                    (row["id"], rng.choice(METHODS))).fetchone()
            adhesions += 1
            if rng.random() < 0.15:  # lapsed last month: someone to remind
                conn.execute("update public.adhesions set starts_on = starts_on - 400, ends_on = ends_on - 370"
                             " where id = %s", (adhesion["id"],))
        if row["billing"] == "card":  # every card member holds days: booking for them works
            conn.execute("select * from public.sell_carnet(%s, %s, %s)", (row["id"], row["plan_id"], rng.choice(METHODS)))
            carnets += 1
    for row in members[:8]:
        paid = conn.execute("select * from public.record_payment(%s, %s, %s, 'other', 'Café et thé', null)",
                            (row["id"], rng.choice((300, 500, 1000)), rng.choice(METHODS))).fetchone()
        payments += 1
    conn.execute("select public.refund_payment(%s, %s, 'cash', 'Trop perçu')", (paid["id"], 100))
    return f"{adhesions} adhésions, {carnets} carnets, {payments} other payments and a refund"
