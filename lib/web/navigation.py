"""Which pages exist and who may open them: the one table lib/web/shell.py builds navigation from.

Every page is registered with Streamlit (so a URL always resolves), but the menu lists only
the pages the person's role may use, and opening any other one shows a polite refusal instead
of running it. Areas add their pages here, one line each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ALL_ROLES = frozenset({"admin", "staff", "board", "member"})
TEAM = frozenset({"admin", "staff"})
ADMIN = frozenset({"admin"})
# Who uses what: staff run the day, the board reads dashboards, members book and meet.
DASHBOARDS = frozenset({"admin", "board"})
MEMBER_SPACE = frozenset({"admin", "staff", "member"})
SECTIONS = ("nav.section.space", "nav.section.community", "nav.section.team", "nav.section.dashboards",
            "nav.section.me", "nav.section.admin")


@dataclass(frozen=True)
class PageSpec:
    path: str            # file under views/
    title_key: str       # i18n key of its title
    icon: str            # ":material/…:"
    roles: frozenset     # roles that may open it; empty = anyone, signed in or not
    section: str = "nav.section.space"
    default: bool = False

    @property
    def url_path(self) -> str:
        return self.path.removeprefix("views/").removesuffix(".py")


PAGES: list[PageSpec] = [
    PageSpec("views/home.py", "home.title", ":material/home:", ALL_ROLES, default=True),
    PageSpec("views/account.py", "account.title", ":material/person:", ALL_ROLES, section="nav.section.me"),
    PageSpec("views/team.py", "team.title", ":material/manage_accounts:", ADMIN, section="nav.section.admin"),
    PageSpec("views/settings.py", "settings.title", ":material/settings:", ADMIN, section="nav.section.admin"),
    PageSpec("views/book.py", "book.title", ":material/event_seat:", TEAM | {"member"}),
    PageSpec("views/my_bookings.py", "mybookings.title", ":material/event_available:", TEAM | {"member"}, section="nav.section.me"),
    PageSpec("views/staff_day.py", "staff.title", ":material/badge:", TEAM, section="nav.section.team"),
    PageSpec("views/resources.py", "resources.title", ":material/chair:", ADMIN, section="nav.section.admin"),
    PageSpec("views/profile.py", "profile.title", ":material/badge:", ALL_ROLES, section="nav.section.me"),
    PageSpec("views/directory.py", "directory.title", ":material/groups:", TEAM | {"member"}, section="nav.section.community"),
    PageSpec("views/skill_insights.py", "insights.title", ":material/bar_chart:", ALL_ROLES, section="nav.section.community"),
    PageSpec("views/members_admin.py", "members_admin.title", ":material/group:", ADMIN, section="nav.section.admin"),
    PageSpec("views/skills_admin.py", "skills_admin.title", ":material/label:", ADMIN, section="nav.section.admin"),
    PageSpec("views/import_members.py", "import.title", ":material/upload_file:", ADMIN, section="nav.section.admin"),
    PageSpec("views/audit.py", "audit.title", ":material/history:", ADMIN, section="nav.section.admin"),
    PageSpec("views/events.py", "events.title", ":material/event:", MEMBER_SPACE, section="nav.section.community"),
    PageSpec("views/events_admin.py", "eventsadmin.title", ":material/edit_calendar:", TEAM, section="nav.section.team"),
    # the event door (issue #14): a tablet at the entrance
    PageSpec("views/door.py", "door.title", ":material/door_open:", TEAM, section="nav.section.team"),
    PageSpec("views/occupancy.py", "occupancy.title", ":material/monitoring:", DASHBOARDS | {"staff"}, section="nav.section.dashboards"),
    # money (issue #18)
    PageSpec("views/money.py", "money.title", ":material/point_of_sale:", TEAM | {"board"}, section="nav.section.team"),
    PageSpec("views/plans.py", "plans.title", ":material/sell:", ADMIN, section="nav.section.admin"),
    PageSpec("views/my_money.py", "mymoney.title", ":material/wallet:", MEMBER_SPACE, section="nav.section.me"),
]

# Pages anyone may open without signing in (the shared link, setting a password from an email).
PUBLIC_PAGES: list[PageSpec] = [
    PageSpec("views/set_password.py", "setpw.title", ":material/key:", frozenset()),
    PageSpec("views/link.py", "linkpage.title", ":material/link:", frozenset()),
]


@lru_cache(maxsize=1)
def existing_paths() -> frozenset[str]:
    """The registered pages whose file exists, looked up once per process (not per rerun)."""
    root = Path(__file__).resolve().parents[2]
    return frozenset(p.path for p in PAGES + PUBLIC_PAGES if (root / p.path).is_file())


def allowed(spec: PageSpec, role: str | None) -> bool:
    if not spec.roles:
        return True
    return role in spec.roles


def pages_for(role: str | None) -> list[PageSpec]:
    return [p for p in PAGES if allowed(p, role)]


def sections_for(role: str | None) -> list[tuple[str, list[PageSpec]]]:
    """The menu: the role's pages grouped by section, sections in `SECTIONS` order."""
    grouped: dict[str, list[PageSpec]] = {}
    for spec in pages_for(role):
        grouped.setdefault(spec.section, []).append(spec)
    order = {name: i for i, name in enumerate(SECTIONS)}
    return sorted(grouped.items(), key=lambda item: order.get(item[0], len(order)))
