/**
 * Accounts: sign-in throttling, one-time set-password links, sessions that can be ended from
 * the server, the last administrator kept, and a members row for every new auth.users row.
 *
 * Runs unchanged on Supabase and on the embedded PostgreSQL. The tables live in schema
 * `private` (not exposed by the REST API); only the owner (sign-in, the command line) and the
 * security-definer functions below touch them.
 */

-- ------------------------------------------------------------------------------ sessions

/**
 * Per account, a number that changes whenever every open session of that account must end:
 * sign-out, password change or reset, deactivation. The app's remember-me cookie carries the
 * number it was issued with; a cookie with another number is refused.
 */
create table private.account_sessions (
  user_id uuid primary key references auth.users (id) on delete cascade,
  session_version integer not null default 1 check (session_version >= 1),
  updated_at timestamptz not null default now()
);
alter table private.account_sessions enable row level security;
revoke all on private.account_sessions from public, anon, authenticated;

/** Ends every session of an account; returns the new version. */
create or replace function private.end_sessions(p_user_id uuid) returns integer
language sql security definer set search_path = ''
as $$
  insert into private.account_sessions as s (user_id, session_version) values (p_user_id, 2)
  on conflict (user_id) do update set session_version = s.session_version + 1, updated_at = now()
  returning session_version
$$;
revoke all on function private.end_sessions(uuid) from public;

/** Trigger: deactivating a member, or moving their account, ends their sessions. */
create or replace function private.end_sessions_on_member_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.user_id is not null and (
       (old.active and not new.active) or new.user_id is distinct from old.user_id) then
    perform private.end_sessions(old.user_id);
  end if;
  return new;
end
$$;
revoke all on function private.end_sessions_on_member_change() from public;
create trigger members_end_sessions after update of active, user_id on public.members
  for each row execute function private.end_sessions_on_member_change();

-- ------------------------------------------------------------------------------ last admin

/** Trigger: the space always keeps one active administrator with an account. */
create or replace function private.keep_an_admin() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.role = 'admin' and old.active and old.user_id is not null
     and (tg_op = 'DELETE' or new.role <> 'admin' or not new.active or new.user_id is null)
     and not exists (select 1 from public.members m
                     where m.role = 'admin' and m.active and m.user_id is not null and m.id <> old.id) then
    raise exception 'account.last_admin' using errcode = 'P0001';
  end if;
  return coalesce(new, old);
end
$$;
revoke all on function private.keep_an_admin() from public;
create trigger members_keep_an_admin before update of role, active, user_id or delete on public.members
  for each row execute function private.keep_an_admin();

-- ------------------------------------------------------------------------------ throttle

/** Every sign-in attempt, kept so repeated failures slow down across all server processes. */
create table private.sign_in_attempts (
  id bigint generated always as identity primary key,
  email text not null check (length(email) <= 320 and email = lower(email)),  -- lower-cased
  at timestamptz not null default now(),
  succeeded boolean not null
);
create index sign_in_attempts_email_at_idx on private.sign_in_attempts (email, at desc);
create index sign_in_attempts_failed_at_idx on private.sign_in_attempts (at) where not succeeded;
alter table private.sign_in_attempts enable row level security;
revoke all on private.sign_in_attempts from public, anon, authenticated;

/**
 * Seconds to wait before another attempt for `p_email` is even checked (0: go ahead).
 * Per email: after 5 failures since the last success (within the last day) the address is
 * locked 30 s, doubling with each further failure up to 15 min. Overall: past 100 failures in
 * the last minute, across all addresses, everyone waits 10 s (someone is guessing at scale).
 */
create or replace function private.sign_in_wait(p_email text) returns integer
language plpgsql stable security definer set search_path = ''
as $$
declare
  last_ok timestamptz;
  failures integer;
  last_failure timestamptz;
  wait integer := 0;
  overall integer;
begin
  select max(at) into last_ok from private.sign_in_attempts
   where email = lower(p_email) and succeeded;
  select count(*), max(at) into failures, last_failure from private.sign_in_attempts
   where email = lower(p_email) and not succeeded
     and at > greatest(coalesce(last_ok, '-infinity'), now() - interval '1 day');
  if failures >= 5 then
    wait := ceil(extract(epoch from
      last_failure + make_interval(secs => least(900, 30 * power(2, least(failures - 5, 10)))) - now()));
  end if;
  select count(*) into overall from private.sign_in_attempts
   where not succeeded and at > now() - interval '1 minute';
  if overall >= 100 then
    wait := greatest(wait, 10);
  end if;
  return greatest(wait, 0);
end
$$;
revoke all on function private.sign_in_wait(text) from public;

/** Records an attempt (and forgets attempts older than 90 days). */
create or replace function private.record_sign_in(p_email text, p_succeeded boolean) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into private.sign_in_attempts (email, succeeded)
  values (left(lower(coalesce(p_email, '')), 320), p_succeeded);
  if p_succeeded then
    delete from private.sign_in_attempts where at < now() - interval '90 days';
  end if;
end
$$;
revoke all on function private.record_sign_in(text, boolean) from public;

-- ------------------------------------------------------------------------------ one-time links

/**
 * One-time links to set a password (invitation) or reset it. Only a SHA-256 of the token is
 * kept: the token itself (at least 128 random bits) exists only in the link shown once.
 */
create table private.password_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  purpose text not null check (purpose in ('invite', 'reset')),
  created_by uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  check (expires_at > created_at)
);
create index password_tokens_user_idx on private.password_tokens (user_id);
alter table private.password_tokens enable row level security;
revoke all on private.password_tokens from public, anon, authenticated;

/** Stores a link for an account, replacing any unused one (only the newest link works). */
create or replace function private.store_password_token(p_user_id uuid, p_purpose text, p_token_hash text,
                                                        p_valid_hours integer) returns timestamptz
language plpgsql security definer set search_path = ''
as $$
declare
  expires timestamptz := now() + make_interval(hours => p_valid_hours);
begin
  if p_valid_hours is null or p_valid_hours not between 1 and 336 then
    raise exception 'account.link_hours' using errcode = 'P0001';
  end if;
  update private.password_tokens set used_at = now() where user_id = p_user_id and used_at is null;
  insert into private.password_tokens (user_id, token_hash, purpose, created_by, expires_at)
  values (p_user_id, p_token_hash, p_purpose, auth.uid(), expires);
  return expires;
end
$$;
revoke all on function private.store_password_token(uuid, text, text, integer) from public;

/**
 * Admins invite someone: the member row (created, or an existing one without an account), an
 * account without a password, and a one-time link. Returns the member id.
 */
create or replace function public.invite_member(p_email text, p_full_name text, p_role text,
                                                p_token_hash text, p_valid_hours integer default 72)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  m record;
  new_user uuid;
begin
  if not private.is_admin() then
    raise exception 'account.admin_only' using errcode = 'P0001';
  end if;
  if p_role is null or p_role not in ('admin', 'staff', 'board', 'member') then
    raise exception 'account.role_unknown' using errcode = 'P0001';
  end if;
  -- citext's own equality (search_path is empty, so name its schema): case-insensitive, indexed
  select id, user_id into m from public.members
   where email operator(extensions.=) btrim(p_email)::extensions.citext for update;
  if m.id is null then
    insert into public.members (email, full_name, role) values (btrim(p_email), btrim(p_full_name), p_role)
    returning id, user_id into m;
  elsif m.user_id is not null then
    raise exception 'account.already_exists' using errcode = 'P0001';
  else
    update public.members set role = p_role, active = true where id = m.id;
  end if;
  select id into new_user from auth.users where lower(email) = lower(btrim(p_email));
  if new_user is null then
    insert into auth.users (email, encrypted_password, invited_at, aud, role)
    values (lower(btrim(p_email)), null, now(), 'authenticated', 'authenticated')
    returning id into new_user;
  end if;
  update public.members set user_id = new_user where id = m.id and user_id is distinct from new_user;
  perform private.store_password_token(new_user, 'invite', p_token_hash, p_valid_hours);
  return m.id;
end
$$;
revoke all on function public.invite_member(text, text, text, text, integer) from public, anon;
grant execute on function public.invite_member(text, text, text, text, integer) to authenticated, service_role;

/** Admins issue a one-time link to reset a member's password. Returns when it expires. */
create or replace function public.issue_password_reset(p_member_id uuid, p_token_hash text,
                                                       p_valid_hours integer default 24)
returns timestamptz
language plpgsql security definer set search_path = ''
as $$
declare
  target uuid;
begin
  if not private.is_admin() then
    raise exception 'account.admin_only' using errcode = 'P0001';
  end if;
  select user_id into target from public.members where id = p_member_id and active;
  if target is null then
    raise exception 'account.no_account' using errcode = 'P0001';
  end if;
  return private.store_password_token(target, 'reset', p_token_hash, p_valid_hours);
end
$$;
revoke all on function public.issue_password_reset(uuid, text, integer) from public, anon;
grant execute on function public.issue_password_reset(uuid, text, integer) to authenticated, service_role;

/** What a link is for, if it still works: the account's email and the purpose (else no row). */
create or replace function private.password_token_info(p_token_hash text)
returns table (email text, purpose text, expires_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  select m.email::text, t.purpose, t.expires_at
  from private.password_tokens t
  join public.members m on m.user_id = t.user_id and m.active
  where t.token_hash = p_token_hash and t.used_at is null and t.expires_at > now()
$$;
revoke all on function private.password_token_info(text) from public;

/**
 * Uses a link once: sets the (already bcrypt-hashed) password, confirms the email, ends the
 * account's other sessions. Returns the account id; refuses a used, expired or unknown link.
 */
create or replace function private.use_password_token(p_token_hash text, p_encrypted_password text)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  tok record;
begin
  select t.id, t.user_id into tok from private.password_tokens t
  join public.members m on m.user_id = t.user_id and m.active
  where t.token_hash = p_token_hash and t.used_at is null and t.expires_at > now()
  for update of t;
  if tok.id is null then
    raise exception 'account.link_invalid' using errcode = 'P0001';
  end if;
  update private.password_tokens set used_at = now() where id = tok.id;
  update auth.users set encrypted_password = p_encrypted_password,
         email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now()
   where id = tok.user_id;
  perform private.end_sessions(tok.user_id);
  return tok.user_id;
end
$$;
revoke all on function private.use_password_token(text, text) from public;

-- ------------------------------------------------------------------------------ new accounts

/**
 * Trigger: every new auth.users row has a members row. On Supabase, GoTrue inserts the row
 * (sign-up, invitation, magic link); here lib/identity/accounts.py does. An existing member with the
 * same email and no account is linked; otherwise a new `member` is created.
 */
create or replace function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.email is null or btrim(new.email) = '' then
    return new;
  end if;
  insert into public.members (email, full_name, user_id)
  values (new.email,
          coalesce(nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''), split_part(new.email, '@', 1)),
          new.id)
  on conflict (email) do update set user_id = excluded.user_id
    where public.members.user_id is null;
  return new;
end
$$;
revoke all on function private.handle_new_user() from public;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.handle_new_user();
