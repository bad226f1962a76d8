"""Demo data: a believable French cantine numérique, deterministic (fixed random seed).

Sizes come from published figures of such spaces: a couple of dozen hot desks in a few zones,
two meeting rooms and an event space, about 120 members of whom most opt into the directory.
`scale="large"` makes a big space for benchmarks. Other modules add their own demo data
(bookings, events, skills…) through `DEMO_SEEDERS`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from lib.demo import bookings as demo_bookings
from lib.demo import directory as demo_directory
from lib.demo import events as demo_events
from lib.demo import money as demo_money
from lib.identity import accounts
from lib.space import space

DEMO_PASSWORD = "cantine-demo"
DEMO_ACCOUNTS = {  # email -> (role, full name)
    "admin@example.org": ("admin", "Camille Admin"),
    "staff@example.org": ("staff", "Sacha Accueil"),
    "board@example.org": ("board", "Dominique Bureau"),
    "member@example.org": ("member", "Alex Membre"),
}
SEED = 20261129

FIRST_NAMES = (
    "Camille Léa Manon Chloé Emma Inès Jade Louise Alice Lina Zoé Sarah Juliette Anaïs Clara Margaux "
    "Lucie Mathilde Pauline Élodie Amandine Noémie Océane Justine Mélanie Aurélie Hélène Nadia Yasmine "
    "Fatou Thomas Lucas Hugo Louis Nathan Théo Maxime Antoine Julien Nicolas Alexandre Romain Baptiste "
    "Mathieu Guillaume Quentin Clément Adrien Florian Kévin Damien Sébastien Yannick Karim Mehdi Samir "
    "Olivier Jérôme Benoît Gaël Loïc Erwan Tanguy Ronan Malo Soizic Maëlle Gwenaëlle"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert "
    "Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas "
    "Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Le Gall Le Goff Kerouac "
    "Le Bihan Guillou Tanguy Cariou Diallo Nguyen Benali Haddad Mendy Da Silva Ferreira"
).split()
# a few two-word last names above were split; rejoin the ones that need it
LAST_NAMES = [n for n in LAST_NAMES if n not in {"Le", "Da"}] + ["Le Gall", "Le Goff", "Le Bihan", "Da Silva"]
COMPANIES = [
    "Studio Ker", "Atelier Pixel", "Breizh Digital", "Les Octets Libres", "Maison du Code", "Pépite Web",
    "Ouest Data", "Agence Marée", "Coop Numérique", "Nuage Local", "Lumière & Co", "Freelance",
    "Freelance", "Freelance", "Freelance", "La Fabrique UX", "Vague Studio", "Crêpe Stack", "Hermine Tech",
    "Phare Conseil", "Open Dunes", "Bigouden Labs", "Équinoxe Design", "Scop Trait d'Union",
]
JOBS = [
    "Développeuse front-end", "Développeur back-end", "Designer UX", "Designer UI", "Cheffe de projet web",
    "Rédacteur web", "Consultante SEO", "Développeur full-stack", "Data analyst", "Product owner",
    "Intégrateur web", "Community manager", "Photographe", "Motion designer", "Administrateur système",
    "Développeuse mobile", "Formatrice numérique", "Traductrice technique", "Illustrateur", "Growth hacker",
]
PLANS = [  # code, fr, en, days/month (None = unlimited), price in cents, billing
    ("day-pass", "Pass journée", "Day pass", 1, 1500, "day"),
    ("card-10", "Carnet 10 jours", "10-day card", 10, 12000, "card"),
    ("monthly", "Mensuel", "Monthly", 20, 19000, "month"),
    ("resident", "Résident", "Resident", None, 29000, "month"),
]


@dataclass
class SeedReport:
    members: int = 0
    resources: int = 0
    accounts: int = 0
    skipped: bool = False
    notes: list[str] | None = None


class SeedRefused(RuntimeError):
    """The database holds data that is not demo data."""


# The areas' demo data, added in this order after the members exist: each is a
# `seed_demo(conn, rng, scale) -> str` (one line for the report), with the name its random
# generator is seeded by (kept from the first layout, so the demo data stays the same).
DEMO_SEEDERS: list[tuple[str, Callable[[psycopg.Connection, random.Random, str], str]]] = [
    ("lib.bookings_demo", demo_bookings.seed_demo),
    ("lib.directory_demo", demo_directory.seed_demo),
    ("lib.events_demo", demo_events.seed_demo),
    ("lib.events_walk_ins_demo", demo_events.seed_walk_ins),  # the event door (issue #14)
    ("lib.money_demo", demo_money.seed_demo),
]


def _email_for(first: str, last: str, n: int) -> str:
    def ascii_part(s: str) -> str:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        return "".join(ch for ch in s.lower() if ch.isalnum())
    return f"{ascii_part(first)}.{ascii_part(last)}{n if n else ''}@example.net"


def holds_real_data(conn: psycopg.Connection) -> bool:
    row = conn.execute("select demo, (select count(*) from public.members) as n from public.settings").fetchone()
    return bool(row and row["n"] and not row["demo"])


def holds_demo_data(conn: psycopg.Connection) -> bool:
    row = conn.execute("select demo, (select count(*) from public.members) as n from public.settings").fetchone()
    return bool(row and row["n"] and row["demo"])


def wipe(conn: psycopg.Connection) -> None:
    """Empty every table of `public` except settings (reset to defaults)."""
    tables = conn.execute(
        "select format('%I.%I', schemaname, tablename) as t from pg_tables"
        " where schemaname = 'public' and tablename <> 'settings'").fetchall()
    if tables:
        conn.execute("truncate " + ", ".join(r["t"] for r in tables) + " restart identity cascade")
    conn.execute("delete from auth.users")
    conn.execute("update public.settings set demo = false")


def seed_demo(conn: psycopg.Connection, scale: str = "small", force: bool = False) -> SeedReport:
    """Fill the database with demo data in the caller's transaction."""
    if scale not in ("small", "large"):
        raise ValueError("scale must be small or large")
    if holds_real_data(conn) and not force:
        raise SeedRefused("this database holds real members; add --force to replace everything with demo data")
    if holds_demo_data(conn) and not force:
        return SeedReport(skipped=True)
    if force:  # only an explicit --force replaces what is there
        wipe(conn)
    # Without it, demo data goes in beside whatever exists (a shared link made with the command
    # line before the first page was opened, a zone typed in): loading demo data deletes nothing.
    rng = random.Random(SEED)
    report = SeedReport(notes=[])
    conn.execute(
        "update public.settings set space_name = %s, demo = true", ("La Cantine des Lices",))

    plan_ids: dict[str, str] = {}
    for code, fr, en, days, price, billing in PLANS:
        conn.execute(
            "insert into public.plans (code, name_fr, name_en, days_per_month, price_cents, billing)"
            " values (%s, %s, %s, %s, %s, %s) on conflict (code) do nothing", (code, fr, en, days, price, billing))
        plan_ids[code] = conn.execute("select id from public.plans where code = %s", (code,)).fetchone()["id"]

    _seed_space(conn, rng, scale, report)
    _seed_members(conn, rng, scale, plan_ids, report)
    space.forget_settings()
    for name, seeder in DEMO_SEEDERS:
        report.notes.append(seeder(conn, random.Random(f"{SEED}-{name}"), scale))
    return report


def _seed_space(conn: psycopg.Connection, rng: random.Random, scale: str, report: SeedReport) -> None:
    if scale == "small":
        zones = [("Open space", 0, 10), ("Salle calme", 0, 8), ("Mezzanine", 1, 6)]
    else:
        zones = [(f"Plateau {i + 1}", i // 3, 21) for i in range(10)]
    rows = []
    for order, (name, floor, desks) in enumerate(zones):
        # a zone of the same name kept (demo data goes in beside what exists)
        zone_id = conn.execute(
            "insert into public.zones (name, floor, sort_order) values (%s, %s, %s)"
            " on conflict (name) do update set name = excluded.name returning id",
            (name, floor, order)).fetchone()["id"]
        per_row = 5 if desks <= 10 else 7
        for i in range(desks):
            x = 2 + (i % per_row) * 2.2 + order * 16
            y = 2 + (i // per_row) * 2.5
            amen = ["écran"] if i % 3 == 0 else []
            rows.append((zone_id, f"{name[:1]}{i + 1:02d}" if scale == "small" else f"P{order + 1}-{i + 1:02d}",
                         "desk", 1, "half_day", amen, x, y))
        if order == 0:
            rows.append((zone_id, "Salle Ada Lovelace", "room", 8, "hour", ["écran", "visio"], 2 + order * 16, 12))
            rows.append((zone_id, "Salle Grace Hopper", "room", 4, "hour", ["tableau blanc"], 8 + order * 16, 12))
            rows.append((zone_id, "Espace événements", "room", 60, "hour", ["vidéoprojecteur", "micro"], 5, 16))
        elif scale == "large":
            rows.append((zone_id, f"Salle {order + 1}", "room", 6, "hour", ["écran"], 2 + order * 16, 12))
    with conn.cursor() as cur:
        cur.executemany(
            "insert into public.resources (zone_id, name, kind, capacity, booking_unit, amenities, pos_x, pos_y)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
    report.resources = len(rows)


def _seed_members(conn: psycopg.Connection, rng: random.Random, scale: str, plan_ids: dict[str, str],
                  report: SeedReport) -> None:
    count = 120 if scale == "small" else 2000
    plan_weights = [("day-pass", 0.2), ("card-10", 0.3), ("monthly", 0.35), ("resident", 0.15)]
    seen: set[str] = set()
    rows = []
    for email, (role, name) in DEMO_ACCOUNTS.items():
        rows.append((email, name, role, plan_ids["resident"], "La Cantine des Lices", "Équipe", "members"))
        seen.add(email)
    while len(rows) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        n = 0
        email = _email_for(first, last, n)
        while email in seen:
            n += 1
            email = _email_for(first, last, n)
        seen.add(email)
        plan = rng.choices([p for p, _ in plan_weights], [w for _, w in plan_weights])[0]
        visibility = rng.choices(["hidden", "members", "public"], [0.3, 0.45, 0.25])[0]
        rows.append((email, f"{first} {last}", "member", plan_ids[plan], rng.choice(COMPANIES),
                     rng.choice(JOBS), visibility))
    with conn.cursor() as cur:
        cur.executemany(
            "insert into public.members (email, full_name, role, plan_id, company, job_title, visibility)"
            " values (%s, %s, %s, %s, %s, %s, %s)", rows)
    report.members = len(rows)
    for email in DEMO_ACCOUNTS:
        accounts.create_account(conn, email, DEMO_PASSWORD)
        report.accounts += 1
