/**
 * Cantine core: the space's settings, plans, members, zones and resources, the audit log, the
 * helpers that row-level security policies use to know who is asking, and the two helpers every
 * area uses: private.refuse (a refusal a person can read) and private.lock (serialising).
 *
 * Runs unchanged on Supabase and on the embedded PostgreSQL (where lib/core/db.py first creates
 * what Supabase provides: roles anon/authenticated/service_role, auth.users, auth.uid()).
 */

create extension if not exists citext with schema extensions;
create extension if not exists btree_gist with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists unaccent with schema extensions;

/** Helpers used inside policies live here: not exposed by the REST API. */
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, anon, service_role;

/** TRUNCATE ignores row-level security; nobody but the owner needs it (nor TRIGGER, REFERENCES).
 * Tables made from here on do not grant them to the API roles; each table also revokes them. */
alter default privileges in schema public revoke truncate, trigger, references on tables from anon, authenticated;

-- ------------------------------------------------------------------------------ refusals, locks

/** Raise one of our refusals: the message is the i18n key, the hint its JSON parameters. */
create or replace function private.refuse(p_key text, p_params jsonb default '{}'::jsonb) returns void
language plpgsql set search_path = ''
as $$
begin
  raise exception '%', p_key using errcode = 'P0001', hint = p_params::text;
end
$$;
revoke all on function private.refuse(text, jsonb) from public;

/**
 * Every advisory-lock key space, in one place. Where two transactions must not interleave (count
 * bookings, then insert one), each first takes private.lock(space, key): the key is hashed with
 * its space's seed, so the same id in two spaces is two different locks. Where a transaction takes
 * several, it takes them in the order of the list below (a shared link, then the person, then the
 * resource), so two transactions never wait on each other.
 */
create table private.lock_spaces (
  name text primary key,
  seed integer not null unique,
  what text not null
);
insert into private.lock_spaces (name, seed, what) values
  ('booking_link', 2, 'A shared link''s booking limits (a day, and per address a day): counted, then booked. '
                      'Key: share_links.id. public.link_book, before private.book''s locks.'),
  ('event_link', 3, 'A shared link''s registration limits (a day, and per address a day): counted, then '
                    'registered. Key: share_links.id. public.link_register, before the event''s row lock.'),
  ('person', 1, 'A person''s plan quota and one desk at a time. Key: members.id, or a guest''s lower-case '
                'email. private.book, before the resource.'),
  ('resource', 0, 'A resource''s bookings and, for a room, its events. Key: resources.id. private.book, '
                  'private.events_check, private.bookings_respect_events.');
alter table private.lock_spaces enable row level security;
revoke all on private.lock_spaces from public, anon, authenticated;

/**
 * Take the transaction's advisory lock on `p_key` in key space `p_space` (private.lock_spaces),
 * released at commit or rollback. Waits at most 5 seconds (a shorter lock_timeout set by the caller
 * is kept): past that PostgreSQL raises SQLSTATE 55P03, lock_not_available, for the app to show as
 * "busy, try again" rather than waiting forever behind a stuck transaction. The caller's own
 * lock_timeout is back once the lock is held. The sections these locks guard last milliseconds.
 */
create or replace function private.lock(p_space text, p_key text) returns void
language plpgsql set search_path = ''
as $$
declare
  v_seed integer;
  v_timeout text := pg_catalog.current_setting('lock_timeout');
begin
  select s.seed into v_seed from private.lock_spaces s where s.name = p_space;
  if v_seed is null then
    raise exception 'private.lock: unknown key space %', p_space;
  end if;
  if v_timeout::interval = interval '0' or v_timeout::interval > interval '5 seconds' then
    perform pg_catalog.set_config('lock_timeout', '5s', true);
  end if;
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_key, v_seed));
  perform pg_catalog.set_config('lock_timeout', v_timeout, true);
end
$$;
revoke all on function private.lock(text, text) from public;

-- ------------------------------------------------------------------------------ settings

/** The space's settings: a single row (id is always true). */
create table public.settings (
  id boolean primary key default true check (id),
  space_name text not null default 'Cantine' check (length(btrim(space_name)) between 1 and 120),
  time_zone text not null default 'Europe/Paris',
  default_language text not null default 'fr' check (default_language in ('fr', 'en')),
  -- ISO weekdays the space is open (1 = Monday … 7 = Sunday)
  open_days smallint[] not null default '{1,2,3,4,5}'
    check (open_days <@ '{1,2,3,4,5,6,7}'::smallint[] and cardinality(open_days) between 1 and 7),
  opens_at time not null default '08:30',
  closes_at time not null default '19:00',
  -- desks book by half day: morning is opens_at..midday_at, afternoon midday_at..closes_at
  midday_at time not null default '13:30',
  booking_window_days integer not null default 60 check (booking_window_days between 1 and 730),
  cancellation_cutoff_hours integer not null default 2 check (cancellation_cutoff_hours between 0 and 168),
  release_unclaimed_minutes integer check (release_unclaimed_minutes is null or release_unclaimed_minutes between 5 and 480),
  guest_approval_required boolean not null default false,
  profile_stale_months integer not null default 12 check (profile_stale_months between 1 and 120),
  demo boolean not null default false,
  updated_at timestamptz not null default now(),
  -- meeting-room hours a member may hold a day (private.limit_room_hours; the team is not limited)
  room_hours_per_day integer not null default 4 check (room_hours_per_day between 1 and 24),
  constraint settings_hours_order check (opens_at < midday_at and midday_at < closes_at),
  constraint settings_time_zone_known check (
    time_zone in ('UTC', 'Etc/UTC') or time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$')
);
insert into public.settings (id) values (true);

-- ------------------------------------------------------------------------------ plans

/** Membership offers: day pass, 10-day card, monthly, resident. */
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[a-z0-9_-]{1,40}$'),
  name_fr text not null check (length(btrim(name_fr)) between 1 and 80),
  name_en text not null check (length(btrim(name_en)) between 1 and 80),
  -- desk days a month the plan includes; null means unlimited
  days_per_month numeric(4,1) check (days_per_month is null or days_per_month between 0 and 31),
  price_cents integer not null check (price_cents >= 0),
  billing text not null default 'month' check (billing in ('day', 'card', 'month')),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- ------------------------------------------------------------------------------ members

/** Links are web addresses (http/https) under known keys: nothing a browser would run. */
create or replace function private.links_valid(p_links jsonb) returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(p_links) = 'object'
     and not exists (
       select 1 from jsonb_each(p_links) as e(k, v)
       where e.k not in ('website', 'linkedin', 'github', 'mastodon')
          or jsonb_typeof(e.v) <> 'string'
          or length(e.v #>> '{}') > 300
          or (e.v #>> '{}') !~ '^https?://[^\s<>"]+$')
$$;
grant execute on function private.links_valid(jsonb) to authenticated, service_role;

/**
 * A person known to the space. `user_id` links to an account (null: no account). The columns
 * after updated_at are the member's directory profile and its bookkeeping (see the directory
 * migration: consent history, stale profiles, erasure).
 */
create table public.members (
  id uuid primary key default gen_random_uuid(),
  user_id uuid unique references auth.users (id) on delete set null,
  email extensions.citext not null unique
    constraint members_email_valid check (email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email::text) <= 254),
  full_name text not null constraint members_full_name_present check (length(btrim(full_name)) between 1 and 200),
  role text not null default 'member' check (role in ('admin', 'staff', 'board', 'member')),
  plan_id uuid references public.plans (id) on delete set null,
  company text check (company is null or length(company) <= 200),
  job_title text check (job_title is null or length(job_title) <= 200),
  bio text check (bio is null or length(bio) <= 2000),
  links jsonb not null default '{}'::jsonb check (jsonb_typeof(links) = 'object'),
  visibility text not null default 'hidden' check (visibility in ('hidden', 'members', 'public')),
  locale text check (locale is null or locale in ('fr', 'en')),
  active boolean not null default true,
  erased_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- what the member is looking for: kinds among collaborator, mission, learn, hire
  looking_for text[] not null default '{}'
    constraint members_looking_for_known check (looking_for <@ array['collaborator', 'mission', 'learn', 'hire']),
  looking_for_note text
    constraint members_looking_for_note_length check (looking_for_note is null or length(looking_for_note) <= 500),
  -- a "contact" mailto appears in the directory only when this is true
  contact_allowed boolean not null default false,
  visibility_changed_at timestamptz not null default now(),
  -- set when a stale profile fell back to hidden; cleared once the member has seen the notice
  stale_hidden_at timestamptz,
  -- the member asked for erasure (public.request_erasure); an administrator confirms
  erasure_requested_at timestamptz,
  constraint members_links_valid check (private.links_valid(links))
);
create index members_role_idx on public.members (role) where active;
create index members_plan_idx on public.members (plan_id);

-- ------------------------------------------------------------------------------ zones, resources

/** Areas of the space (open space, quiet room, first floor…). */
create table public.zones (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (length(btrim(name)) between 1 and 80),
  floor integer not null default 0 check (floor between -5 and 100),
  sort_order integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

/** What can be booked: desks (by half day) and rooms (by the hour). */
create table public.resources (
  id uuid primary key default gen_random_uuid(),
  zone_id uuid not null references public.zones (id) on delete restrict,
  name text not null check (length(btrim(name)) between 1 and 80),
  kind text not null check (kind in ('desk', 'room')),
  capacity integer not null default 1 check (capacity between 1 and 500),
  -- how it is booked: desks by half day or day, rooms by the hour
  booking_unit text not null default 'half_day' check (booking_unit in ('half_day', 'hour')),
  amenities text[] not null default '{}',
  -- floor-plan position, in metres from the plan's top-left corner
  pos_x numeric(6,2) check (pos_x is null or pos_x between 0 and 1000),
  pos_y numeric(6,2) check (pos_y is null or pos_y between 0 and 1000),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (zone_id, name),
  constraint resources_desk_capacity check (kind <> 'desk' or capacity = 1)
);
create index resources_zone_idx on public.resources (zone_id);

-- ------------------------------------------------------------------------------ audit log

/** Who changed what, when: old and new values, filled by triggers only. */
create table public.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor uuid,                    -- auth.uid() of who did it (null: command line, system)
  table_name text not null,
  row_id text,
  action text not null check (action in ('INSERT', 'UPDATE', 'DELETE')),
  old_values jsonb,
  new_values jsonb
);
create index audit_log_table_row_idx on public.audit_log (table_name, row_id);
create index audit_log_at_idx on public.audit_log (at);

/** Trigger: record a change in audit_log (secrets such as tokens are never copied). */
create or replace function private.audit() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  old_j jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_j jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
begin
  old_j := old_j - 'manage_token' - 'token' - 'token_hash';
  new_j := new_j - 'manage_token' - 'token' - 'token_hash';
  if tg_op = 'UPDATE' and old_j = new_j then
    return new;
  end if;
  insert into public.audit_log (actor, table_name, row_id, action, old_values, new_values)
  values (auth.uid(), tg_table_name, coalesce(new_j ->> 'id', old_j ->> 'id'), tg_op, old_j, new_j);
  return coalesce(new, old);
end
$$;
revoke all on function private.audit() from public;

/** Trigger: keep updated_at true. */
create or replace function private.touch_updated_at() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke all on function private.touch_updated_at() from public;

create trigger members_audit after insert or update or delete on public.members
  for each row execute function private.audit();
create trigger settings_audit after update on public.settings
  for each row execute function private.audit();
create trigger plans_audit after insert or update or delete on public.plans
  for each row execute function private.audit();
create trigger resources_audit after insert or update or delete on public.resources
  for each row execute function private.audit();
create trigger zones_audit after insert or update or delete on public.zones
  for each row execute function private.audit();
create trigger members_touch before update on public.members
  for each row execute function private.touch_updated_at();
create trigger settings_touch before update on public.settings
  for each row execute function private.touch_updated_at();

-- ------------------------------------------------------------------------------ who is asking

/** The member row of the signed-in person (null for anon or an inactive member). */
create or replace function private.current_member_id() returns uuid
language sql stable security definer set search_path = ''
as $$
  select m.id from public.members m where m.user_id = auth.uid() and m.active
$$;
revoke all on function private.current_member_id() from public;
grant execute on function private.current_member_id() to authenticated, service_role;

/** The role of the signed-in person: admin, staff, board, member, or null. */
create or replace function private.current_role() returns text
language sql stable security definer set search_path = ''
as $$
  select m.role from public.members m where m.user_id = auth.uid() and m.active
$$;
revoke all on function private.current_role() from public;
grant execute on function private.current_role() to authenticated, service_role;

/** True for the volunteer team (admin or staff). */
create or replace function private.is_team() returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce(private.current_role() in ('admin', 'staff'), false)
$$;
revoke all on function private.is_team() from public;
grant execute on function private.is_team() to authenticated, service_role;

create or replace function private.is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce(private.current_role() = 'admin', false)
$$;
revoke all on function private.is_admin() from public;
grant execute on function private.is_admin() to authenticated, service_role;

/** Public view of "who am I", for any client: the caller's member row essentials. */
create or replace function public.whoami() returns table (member_id uuid, role text, full_name text, email text)
language sql stable security definer set search_path = ''
as $$
  select m.id, m.role, m.full_name, m.email::text from public.members m
  where m.user_id = auth.uid() and m.active
$$;
revoke all on function public.whoami() from public, anon;
grant execute on function public.whoami() to authenticated, service_role;

/**
 * Trigger: what only admins may change on a member (role, plan, active, email, account link),
 * and what only the team may change at all. Runs for every client, REST included.
 * The owner (command line, migrations) has no auth.uid() and is not limited.
 */
create or replace function private.guard_member_changes() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  caller_role text := private.current_role();
begin
  if auth.uid() is null and current_user not in ('anon', 'authenticated') then
    return new;  -- owner: command line, migrations, sign-in
  end if;
  if caller_role = 'admin' then
    return new;
  end if;
  if new.role is distinct from old.role or new.active is distinct from old.active
     or new.user_id is distinct from old.user_id then
    raise exception 'member.admin_only' using errcode = 'P0001',
      hint = 'Only an administrator can change a role, an account or whether a member is active.';
  end if;
  if caller_role = 'staff' then
    return new;
  end if;
  if new.plan_id is distinct from old.plan_id or new.email is distinct from old.email then
    raise exception 'member.team_only' using errcode = 'P0001',
      hint = 'Only the team can change a plan or an email address.';
  end if;
  return new;
end
$$;
create trigger members_guard before update on public.members
  for each row execute function private.guard_member_changes();

-- ------------------------------------------------------------------------------ row-level security

alter table public.settings enable row level security;
alter table public.plans enable row level security;
alter table public.members enable row level security;
alter table public.zones enable row level security;
alter table public.resources enable row level security;
alter table public.audit_log enable row level security;

-- Anonymous visitors reach data only through the link_* functions, never the tables.
revoke all on public.settings, public.plans, public.members, public.zones, public.resources,
  public.audit_log from anon;
-- TRUNCATE ignores row-level security (and TRIGGER, REFERENCES are the owner's business).
revoke truncate, trigger, references on public.settings, public.plans, public.members, public.zones,
  public.resources from authenticated;
-- Nobody writes the audit log but its trigger.
revoke insert, update, delete, truncate, trigger, references on public.audit_log from authenticated;

create policy "Settings are readable by signed-in people" on public.settings
  for select to authenticated using (true);
create policy "Settings are changed by admins" on public.settings
  for update to authenticated using (private.is_admin()) with check (private.is_admin());

create policy "Plans are readable by signed-in people" on public.plans
  for select to authenticated using (true);
create policy "Plans are created by admins" on public.plans
  for insert to authenticated with check (private.is_admin());
create policy "Plans are changed by admins" on public.plans
  for update to authenticated using (private.is_admin()) with check (private.is_admin());
create policy "Plans are deleted by admins" on public.plans
  for delete to authenticated using (private.is_admin());

-- RLS filters rows, not columns: were members to read opted-in rows here, every column (the email
-- included) would be readable over the REST API. Members find each other through
-- public.directory_search, which applies each person's choices.
create policy "Members see themselves, the team sees everyone" on public.members
  for select to authenticated using (user_id = auth.uid() or private.is_team());
create policy "Admins add anyone, staff add members" on public.members
  for insert to authenticated with check (
    private.is_admin()
    or (private.is_team() and role = 'member' and user_id is null and erased_at is null and active));

create policy "Active members edit their own profile, staff edit non-admins, admins everyone" on public.members
  for update to authenticated
  using (id = private.current_member_id() or private.is_admin() or (private.is_team() and role <> 'admin'))
  with check (id = private.current_member_id() or private.is_admin() or (private.is_team() and role <> 'admin'));

create policy "Members are deleted by admins" on public.members
  for delete to authenticated using (private.is_admin());

create policy "Zones are readable by signed-in people" on public.zones
  for select to authenticated using (private.current_role() is not null);
create policy "Zones are created by admins" on public.zones
  for insert to authenticated with check (private.is_admin());
create policy "Zones are changed by admins" on public.zones
  for update to authenticated using (private.is_admin()) with check (private.is_admin());
create policy "Zones are deleted by admins" on public.zones
  for delete to authenticated using (private.is_admin());

create policy "Resources are readable by signed-in people" on public.resources
  for select to authenticated using (private.current_role() is not null);
create policy "Resources are created by admins" on public.resources
  for insert to authenticated with check (private.is_admin());
create policy "Resources are changed by admins" on public.resources
  for update to authenticated using (private.is_admin()) with check (private.is_admin());
create policy "Resources are deleted by admins" on public.resources
  for delete to authenticated using (private.is_admin());

create policy "The audit log is read by admins" on public.audit_log
  for select to authenticated using (private.is_admin());

/** Board members read aggregates, not people: counts for the dashboards. */
create or replace function public.space_summary() returns table (members integer, active_members integer, resources integer, desks integer, rooms integer)
language sql stable security definer set search_path = ''
as $$
  select (select count(*) from public.members)::int,
         (select count(*) from public.members where active)::int,
         (select count(*) from public.resources where active)::int,
         (select count(*) from public.resources where active and kind = 'desk')::int,
         (select count(*) from public.resources where active and kind = 'room')::int
  where private.current_role() is not null
$$;
revoke all on function public.space_summary() from public, anon;
grant execute on function public.space_summary() to authenticated, service_role;
