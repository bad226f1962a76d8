"""Every in-memory cache of the process, so one call can forget them all.

Module-level caches (the settings, the shared-link page's data) register their clearing
function here when their module is imported. `forget_all()` runs them: the test suite does it
before each test so that no test sees what an earlier one left (tests run in random order), and
the web layer adds Streamlit's own `st.cache_data` (see lib/web/ui.py).
"""

from __future__ import annotations

from collections.abc import Callable

_clearers: list[Callable[[], None]] = []


def register(clear: Callable[[], None]) -> Callable[[], None]:
    """Record `clear` (a function taking no argument that empties one cache); returns it, so it
    can be used as a decorator on the cache's own `forget` function."""
    if clear not in _clearers:
        _clearers.append(clear)
    return clear


def forget_all() -> None:
    """Empty every registered cache."""
    for clear in list(_clearers):
        clear()
