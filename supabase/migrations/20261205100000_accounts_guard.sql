/**
 * Accounts that hold against a hostile visitor (issue #12).
 *
 * 1. The sign-in throttle counts per client as well as per address, and never holds back the
 *    person who knows their password from a client they signed in from before. The old overall
 *    rule ("past 100 failures a minute, everyone waits") let one script lock everybody out; it
 *    is gone. See `private.sign_in_wait(text, text)`.
 * 2. A new account is linked to a member, or given one, only once its address is confirmed,
 *    and a member made by open sign-up (Supabase's default) starts inactive: no booking, no
 *    directory, until the team activates it (members admin page). Whoever signs up first with a
 *    member's address no longer becomes that member before proving the address.
 */

-- ------------------------------------------------------------------------------ throttle

-- the client a sign-in came from (its IP address, as the app sees it behind its proxy); null
-- for the command line
alter table private.sign_in_attempts add column client text check (length(client) <= 64);
create index sign_in_attempts_client_at_idx on private.sign_in_attempts (client, at desc) where not succeeded;

drop function private.sign_in_wait(text);
drop function private.record_sign_in(text, boolean);

/** Backoff after `n` failures counted from `threshold`: 30 s, doubling, at most 15 min. */
create or replace function private.sign_in_backoff(p_failures integer, p_threshold integer, p_last timestamptz)
returns integer
language sql immutable set search_path = ''
as $$
  select case when p_failures < p_threshold then 0 else
    greatest(0, ceil(extract(epoch from
      p_last + make_interval(secs => least(900, 30 * power(2, least(p_failures - p_threshold, 10)))) - now())))::integer
  end
$$;
revoke all on function private.sign_in_backoff(integer, integer, timestamptz) from public;

/**
 * Seconds to wait before an attempt for `p_email` from `p_client` is even checked (0: go).
 *
 * - The pair (address, client): 5 failures since its last success (within a day) lock it, 30 s
 *   doubling up to 15 min. This bounds guessing from anywhere, known clients included.
 * - A client this address signed in from within 90 days is *known*: only the pair rule applies,
 *   so failures made by others (on this address or any other) never hold its owner back.
 * - Otherwise also the address (5 failures from any client since its last success, within a
 *   day) and the client (10 failures on any addresses within 10 minutes: one script trying
 *   many addresses slows itself, nobody else).
 */
create or replace function private.sign_in_wait(p_email text, p_client text) returns integer
language plpgsql stable security definer set search_path = ''
as $$
declare
  addr text := left(lower(coalesce(p_email, '')), 320);
  pair_ok timestamptz;
  n integer;
  last_at timestamptz;
  wait integer;
  known boolean := false;
begin
  if p_client is not null then
    select max(at) into pair_ok from private.sign_in_attempts
     where email = addr and client = p_client and succeeded;
    known := pair_ok > now() - interval '90 days';
    select count(*), max(at) into n, last_at from private.sign_in_attempts
     where email = addr and client = p_client and not succeeded
       and at > greatest(coalesce(pair_ok, '-infinity'), now() - interval '1 day');
    wait := private.sign_in_backoff(n, 5, last_at);
    if known then
      return wait;
    end if;
    select count(*), max(at) into n, last_at from private.sign_in_attempts
     where client = p_client and not succeeded and at > now() - interval '10 minutes';
    wait := greatest(wait, private.sign_in_backoff(n, 10, last_at));
  end if;
  select count(*), max(at) into n, last_at from private.sign_in_attempts a
   where a.email = addr and not a.succeeded
     and a.at > greatest(coalesce((select max(s.at) from private.sign_in_attempts s
                                    where s.email = addr and s.succeeded), '-infinity'),
                         now() - interval '1 day');
  return greatest(coalesce(wait, 0), private.sign_in_backoff(n, 5, last_at));
end
$$;
revoke all on function private.sign_in_wait(text, text) from public;

/** Records an attempt (and forgets attempts older than 90 days). */
create or replace function private.record_sign_in(p_email text, p_client text, p_succeeded boolean) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  insert into private.sign_in_attempts (email, client, succeeded)
  values (left(lower(coalesce(p_email, '')), 320), left(p_client, 64), p_succeeded);
  if p_succeeded then
    delete from private.sign_in_attempts where at < now() - interval '90 days';
  end if;
end
$$;
revoke all on function private.record_sign_in(text, text, boolean) from public;

-- ------------------------------------------------------------------------------ new accounts

-- set when open sign-up made the member (inactive); cleared when the team activates it: the
-- members page shows who waits, and sign-in tells that person why they cannot enter yet
alter table public.members add column activation_requested_at timestamptz;

create or replace function private.clear_activation_request() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.activation_requested_at := null;
  return new;
end
$$;
revoke all on function private.clear_activation_request() from public;
create trigger members_activated before update of active on public.members
  for each row when (new.active and not old.active and old.activation_requested_at is not null)
  execute function private.clear_activation_request();

/**
 * Links a confirmed account to its member: an existing member with this address and no
 * account keeps its role, plan and state; otherwise a new member is made, inactive until the
 * team activates it. Unconfirmed accounts are left alone: an address is proven first.
 */
create or replace function private.link_confirmed_user(p_user_id uuid, p_email text, p_meta jsonb)
returns void
language plpgsql security definer set search_path = ''
as $$
begin
  if p_email is null or btrim(p_email) = '' then
    return;
  end if;
  if exists (select 1 from public.members where user_id = p_user_id) then
    return;
  end if;
  insert into public.members (email, full_name, user_id, active, activation_requested_at)
  values (p_email,
          coalesce(nullif(btrim(p_meta ->> 'full_name'), ''), split_part(p_email, '@', 1)),
          p_user_id, false, now())
  on conflict (email) do update set user_id = excluded.user_id
    where public.members.user_id is null;
end
$$;
revoke all on function private.link_confirmed_user(uuid, text, jsonb) from public;

create or replace function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.email_confirmed_at is not null then
    perform private.link_confirmed_user(new.id, new.email, new.raw_user_meta_data);
  end if;
  return new;
end
$$;

/** Trigger: an address confirmed later (Supabase's confirmation e-mail) links it then. */
create or replace function private.handle_user_confirmed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform private.link_confirmed_user(new.id, new.email, new.raw_user_meta_data);
  return new;
end
$$;
revoke all on function private.handle_user_confirmed() from public;
create trigger on_auth_user_confirmed after update of email_confirmed_at on auth.users
  for each row when (old.email_confirmed_at is null and new.email_confirmed_at is not null)
  execute function private.handle_user_confirmed();
