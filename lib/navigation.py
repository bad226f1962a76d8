"""Which pages exist and who may open them: the one table `app.py` builds navigation from.

Every page is registered with Streamlit (so a URL always resolves), but the menu lists only
the pages the person's role may use, and opening any other one shows a polite refusal instead
of running it. Areas add their pages here, one line each.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"admin", "staff", "board", "member"})
TEAM = frozenset({"admin", "staff"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class PageSpec:
    path: str            # file under pages/
    title_key: str       # i18n key of its title
    icon: str            # ":material/…:"
    roles: frozenset     # roles that may open it; empty = anyone, signed in or not
    section: str = "nav.section.space"
    default: bool = False

    @property
    def url_path(self) -> str:
        return self.path.removeprefix("pages/").removesuffix(".py")


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "home.title", ":material/home:", ALL_ROLES, default=True),
]

# Pages anyone may open without signing in (the shared link, setting a password from an email).
PUBLIC_PAGES: list[PageSpec] = []


def allowed(spec: PageSpec, role: str | None) -> bool:
    if not spec.roles:
        return True
    return role in spec.roles


def pages_for(role: str | None) -> list[PageSpec]:
    return [p for p in PAGES if allowed(p, role)]
