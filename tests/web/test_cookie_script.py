"""The remember-me cookie's script (lib/web/session.py): only a signed token can be written, so
nothing a token could carry ends the script or adds an attribute to the cookie."""

import pytest

from lib.identity.auth import COOKIE_NAME, Person, cookie_token
from lib.web.session import cookie_script


def test_a_signed_token_is_written_strict_for_its_hours(demo_db):
    person = Person(user_id="00000000-0000-0000-0000-000000000001", member_id="", email="a@example.org",
                    full_name="A", role="member")
    token = cookie_token(person)
    script = cookie_script(token, 12 * 3600, secure=True)
    assert script == (f'<script>document.cookie = "{COOKIE_NAME}={token}; Path=/; Max-Age=43200;'
                      ' SameSite=Strict; Secure";</script>')
    assert "Secure" not in cookie_script(token, 3600, secure=False)


def test_deleting_writes_an_expired_empty_cookie():
    assert cookie_script(None, 0, False) == (f'<script>document.cookie = "{COOKIE_NAME}=; Path=/; Max-Age=0;'
                                             ' SameSite=Strict";</script>')


@pytest.mark.parametrize("hostile", [
    'a.b.c"; alert(1); "', "a.b.c</script><script>alert(1)</script>", "a.b.c; Domain=evil.example",
    "a.b.c\nSet-Cookie: x=1", "", "not-a-token",
])
def test_anything_but_a_token_is_refused(hostile):
    with pytest.raises(ValueError):
        cookie_script(hostile, 3600, False)
