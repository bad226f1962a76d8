"""A small stand-in for Supabase Auth (GoTrue) on a local port, for tests only.

Supabase Auth cannot run here, so this server answers the GoTrue endpoints supabase-py calls
(`/auth/v1/token` with the password and refresh_token grants, `/user` GET and PUT, `/verify`,
`/otp`, `/recover`, `/logout`) with the response shapes of GoTrue v2: sessions
`{access_token, token_type, expires_in, expires_at, refresh_token, user}`, users with
`app_metadata`/`user_metadata`/`identities`, errors `{code, error_code, msg}`, and HS256 access
tokens carrying GoTrue's claims (iss, sub, aud, exp, iat, email, role, aal, amr, session_id).

Like GoTrue, it keeps users in the database's `auth.users` (bcrypt hashes in
`encrypted_password`), so creating a user fires the same `on_auth_user_created` trigger as on
Supabase. Emails are not sent: they land in `outbox` with the `token_hash` the link would carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import bcrypt
import jwt
import psycopg
from psycopg.rows import dict_row

ANON_KEY = "test-anon-key"


class FakeGoTrue:
    def __init__(self, conninfo: str, jwt_secret: str = "super-secret-jwt-token-with-at-least-32-characters",
                 expires_in: int = 3600):
        self.conninfo = conninfo
        self.jwt_secret = jwt_secret
        self.expires_in = expires_in
        self.outbox: list[dict[str, str]] = []
        self.refresh_tokens: dict[str, dict[str, str]] = {}  # token -> {user_id, session_id}
        self.revoked: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self._links: dict[str, dict[str, str]] = {}  # token_hash -> {email, type}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> FakeGoTrue:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ users

    def _db(self) -> psycopg.Connection:
        return psycopg.connect(self.conninfo, row_factory=dict_row, autocommit=True)

    def create_user(self, email: str, password: str, full_name: str | None = None) -> str:
        """What `auth.signUp` / the dashboard does: a confirmed user row (the trigger adds the member)."""
        meta = {"full_name": full_name} if full_name else {}
        with self._db() as conn:
            row = conn.execute(
                "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,"
                " raw_app_meta_data, raw_user_meta_data) values ('00000000-0000-0000-0000-000000000000',"
                " gen_random_uuid(), 'authenticated', 'authenticated', lower(%s), %s, now(), %s, %s) returning id",
                (email, bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode(),
                 json.dumps({"provider": "email", "providers": ["email"]}), json.dumps(meta))).fetchone()
        return str(row["id"])

    def _user_by_email(self, email: str) -> dict[str, Any] | None:
        with self._db() as conn:
            return conn.execute("select * from auth.users where lower(email) = lower(%s)", (email,)).fetchone()

    def _user_by_id(self, user_id: str) -> dict[str, Any] | None:
        with self._db() as conn:
            return conn.execute("select * from auth.users where id = %s", (user_id,)).fetchone()

    @staticmethod
    def _iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    def _user_json(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(row["id"]), "aud": row["aud"], "role": row["role"], "email": row["email"],
            "email_confirmed_at": self._iso(row["email_confirmed_at"]), "phone": "",
            "confirmed_at": self._iso(row["email_confirmed_at"]), "last_sign_in_at": self._iso(row["last_sign_in_at"]),
            "app_metadata": row["raw_app_meta_data"] or {"provider": "email", "providers": ["email"]},
            "user_metadata": row["raw_user_meta_data"] or {}, "identities": [],
            "created_at": self._iso(row["created_at"]), "updated_at": self._iso(row["updated_at"]),
            "is_anonymous": False,
        }

    # ------------------------------------------------------------------ sessions

    def access_token(self, row: dict[str, Any], session_id: str, method: str = "password",
                     secret: str | None = None, expires_in: int | None = None) -> str:
        now = int(time.time())
        claims = {
            "iss": f"{self.url}/auth/v1", "sub": str(row["id"]), "aud": "authenticated",
            "exp": now + (expires_in if expires_in is not None else self.expires_in), "iat": now,
            "email": row["email"], "phone": "",
            "app_metadata": row["raw_app_meta_data"] or {}, "user_metadata": row["raw_user_meta_data"] or {},
            "role": "authenticated", "aal": "aal1", "amr": [{"method": method, "timestamp": now}],
            "session_id": session_id, "is_anonymous": False,
        }
        return jwt.encode(claims, secret or self.jwt_secret, algorithm="HS256")

    def _session(self, row: dict[str, Any], method: str, session_id: str | None = None) -> dict[str, Any]:
        session_id = session_id or str(uuid.uuid4())
        refresh = secrets.token_urlsafe(16)
        with self._lock:
            self.refresh_tokens[refresh] = {"user_id": str(row["id"]), "session_id": session_id}
        with self._db() as conn:
            conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (row["id"],))
        return {"access_token": self.access_token(row, session_id, method), "token_type": "bearer",
                "expires_in": self.expires_in, "expires_at": int(time.time()) + self.expires_in,
                "refresh_token": refresh, "user": self._user_json(row)}

    def _claims(self, authorization: str | None) -> dict[str, Any] | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        try:
            return jwt.decode(authorization[7:], self.jwt_secret, algorithms=["HS256"], audience="authenticated")
        except jwt.PyJWTError:
            return None

    def _email_link(self, email: str, kind: str) -> None:
        token = secrets.token_hex(28)
        token_hash = hashlib.sha224(f"{email}{token}".encode()).hexdigest()
        with self._lock:
            self._links[token_hash] = {"email": email, "type": kind}
            self.outbox.append({"to": email, "type": kind, "token_hash": token_hash})

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _reply(self, status: int, body: Any = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, error_code: str, msg: str) -> None:
                self._reply(status, {"code": status, "error_code": error_code, "msg": msg})

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def _route(self, method: str) -> None:
                url = urlparse(self.path)
                fake.requests.append((method, url.path))
                if self.headers.get("apikey") != ANON_KEY:
                    return self._error(401, "no_api_key", "No API key found in request")
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                path = url.path.removeprefix("/auth/v1")
                handler = getattr(self, f"{method.lower()}_{path.strip('/').replace('/', '_')}", None)
                if handler is None:
                    return self._error(404, "not_found", "Not found")
                return handler(query)

            def do_GET(self) -> None:  # noqa: N802
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._route("POST")

            def do_PUT(self) -> None:  # noqa: N802
                self._route("PUT")

            # --- endpoints

            def post_token(self, query: dict[str, str]) -> None:
                body = self._body()
                if query.get("grant_type") == "password":
                    row = fake._user_by_email(body.get("email") or "")
                    ok = bool(row and row["encrypted_password"] and bcrypt.checkpw(
                        (body.get("password") or "").encode(), row["encrypted_password"].encode()))
                    if not ok:
                        return self._error(400, "invalid_credentials", "Invalid login credentials")
                    return self._reply(200, fake._session(row, "password"))
                if query.get("grant_type") == "refresh_token":
                    token = body.get("refresh_token") or ""
                    with fake._lock:
                        known = fake.refresh_tokens.get(token)
                        if known is None or token in fake.revoked:
                            known = None
                        else:
                            fake.revoked.add(token)  # rotation: a refresh token works once
                    if known is None:
                        return self._error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
                    row = fake._user_by_id(known["user_id"])
                    return self._reply(200, fake._session(row, "password", known["session_id"]))
                return self._error(400, "validation_failed", "unsupported_grant_type")

            def get_user(self, query: dict[str, str]) -> None:
                claims = fake._claims(self.headers.get("Authorization"))
                if claims is None:
                    return self._error(401, "bad_jwt", "invalid JWT: unable to parse or verify signature")
                row = fake._user_by_id(claims["sub"])
                if row is None:
                    return self._error(403, "user_not_found", "User from sub claim in JWT does not exist")
                return self._reply(200, fake._user_json(row))

            def put_user(self, query: dict[str, str]) -> None:
                claims = fake._claims(self.headers.get("Authorization"))
                if claims is None:
                    return self._error(401, "bad_jwt", "invalid JWT: unable to parse or verify signature")
                body = self._body()
                if body.get("password"):
                    hashed = bcrypt.hashpw(body["password"].encode(), bcrypt.gensalt(rounds=4)).decode()
                    with fake._db() as conn:
                        conn.execute("update auth.users set encrypted_password = %s, updated_at = now()"
                                     " where id = %s", (hashed, claims["sub"]))
                return self._reply(200, fake._user_json(fake._user_by_id(claims["sub"])))

            def post_otp(self, query: dict[str, str]) -> None:
                body = self._body()
                email = body.get("email") or ""
                if fake._user_by_email(email) is None:
                    if not body.get("create_user"):
                        return self._error(422, "otp_disabled", "Signups not allowed for otp")
                    fake.create_user(email, secrets.token_urlsafe(12))
                fake._email_link(email, "magiclink")
                return self._reply(200, {})

            def post_recover(self, query: dict[str, str]) -> None:
                email = self._body().get("email") or ""
                if fake._user_by_email(email) is not None:  # GoTrue answers 200 either way
                    fake._email_link(email, "recovery")
                return self._reply(200, {})

            def post_verify(self, query: dict[str, str]) -> None:
                body = self._body()
                with fake._lock:
                    link = fake._links.pop(body.get("token_hash") or "", None)
                if link is None or link["type"] != body.get("type") and not (
                        link["type"] == "magiclink" and body.get("type") == "email"):
                    return self._error(403, "otp_expired", "Email link is invalid or has expired")
                row = fake._user_by_email(link["email"])
                return self._reply(200, fake._session(row, "otp" if link["type"] == "magiclink" else "recovery"))

            def post_logout(self, query: dict[str, str]) -> None:
                claims = fake._claims(self.headers.get("Authorization"))
                if claims is None:
                    return self._error(401, "bad_jwt", "invalid JWT: unable to parse or verify signature")
                with fake._lock:
                    for token, owner in fake.refresh_tokens.items():
                        if owner["user_id"] == claims["sub"]:
                            fake.revoked.add(token)
                self.send_response(204)
                self.end_headers()

        return Handler
