/**
 * Cantine bookings: desks by half day or day, rooms by the hour, closures, shared links for
 * people without an account, check-in and the release of unclaimed desks.
 *
 * Every rule lives here, in the SQL API (book_resource, cancel_booking, link_book, link_cancel,
 * check_in, …), each refusal raising its own message key (`booking.*`, `link.*`, `checkin.*`)
 * that lib/core/errors.py translates. Clients never write bookings directly: RLS lets people read
 * what they may see, and the functions do the writing.
 *
 * Concurrency: booking one resource is serialised with private.lock (core) on the resource, and
 * on the person first for the quota and one-desk checks (always person, then resource); a shared
 * link's limits on the link before either. An exclusion constraint stays as the last line of
 * defence against double bookings.
 */

-- btree_gist's operator classes live in `extensions` (on Supabase as here): the exclusion
-- constraint below needs them on the search path while this migration runs.
set local search_path = public, extensions;

-- ------------------------------------------------------------------------------ closures

/** The whole space closed on a day or a range (resource_id null), or one resource blocked (maintenance). */
create table public.closures (
  id uuid primary key default gen_random_uuid(),
  resource_id uuid references public.resources (id) on delete cascade,
  starts_on date not null,
  ends_on date not null,
  reason text not null constraint closures_reason_present check (length(btrim(reason)) between 1 and 200),
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint closures_order check (ends_on >= starts_on),
  constraint closures_span check (ends_on - starts_on <= 366)
);
create index closures_days_idx on public.closures (starts_on, ends_on);

-- ------------------------------------------------------------------------------ share links

/** Revocable, expiring links that let anyone book without an account. Only a hash of the token is kept. */
create table public.share_links (
  id uuid primary key default gen_random_uuid(),
  label text not null constraint share_links_label_present check (length(btrim(label)) between 1 and 120),
  token_hash text not null unique,
  -- what the link opens: desk booking, events (another area may use it), or both
  purpose text not null default 'booking' check (purpose in ('booking', 'events', 'all')),
  expires_at timestamptz,
  revoked_at timestamptz,
  -- abuse limits, checked by link_book: bookings a day through this link, and per email a day
  max_per_day integer not null default 200 check (max_per_day between 1 and 100000),
  max_per_email_per_day integer not null default 2 check (max_per_email_per_day between 1 and 50),
  created_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now()
);

-- ------------------------------------------------------------------------------ bookings

/** A desk or a room booked for a time range, by a member or a guest (name and email, no member). */
create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  resource_id uuid not null references public.resources (id) on delete cascade,
  member_id uuid references public.members (id) on delete cascade,
  guest_name text check (guest_name is null or length(btrim(guest_name)) between 1 and 200),
  guest_email text check (guest_email is null or (guest_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(guest_email) <= 254)),
  during tstzrange not null,
  -- the local day (space's time zone) of the booking, kept by a trigger: day queries use a btree
  day date not null,
  -- desk days used against the plan quota: 1 for a whole day, 0.5 for a half day, 0 for rooms
  units numeric(3,1) not null default 0,
  status text not null default 'confirmed' check (status in ('confirmed', 'pending', 'cancelled')),
  checked_in_at timestamptz,
  no_show_at timestamptz,
  source text not null default 'app' check (source in ('app', 'link', 'admin')),
  share_link_id uuid references public.share_links (id) on delete set null,
  -- sha-256 of the private manage token given to link visitors (the token itself is never stored)
  token_hash text unique,
  booked_by uuid,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  cancel_reason text check (cancel_reason is null or cancel_reason in
    ('member', 'team', 'released', 'closure', 'resource_inactive', 'link')),
  constraint bookings_who check (member_id is not null or (guest_name is not null and guest_email is not null)),
  constraint bookings_range_valid check (not isempty(during) and lower(during) is not null and upper(during) is not null),
  constraint bookings_no_overlap exclude using gist (resource_id with =, during with &&) where (status <> 'cancelled')
);
create index bookings_day_idx on public.bookings (day, resource_id) where status <> 'cancelled';
create index bookings_member_day_idx on public.bookings (member_id, day);
create index bookings_guest_email_idx on public.bookings (guest_email, day) where guest_email is not null;
create index bookings_link_day_idx on public.bookings (share_link_id, day) where share_link_id is not null;

/** Trigger: keep `day` the local date of the booking's start, in the space's time zone. */
create or replace function private.bookings_set_day() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.day := (lower(new.during) at time zone (select s.time_zone from public.settings s))::date;
  return new;
end
$$;
revoke all on function private.bookings_set_day() from public;
create trigger bookings_day before insert or update of during on public.bookings
  for each row execute function private.bookings_set_day();

/**
 * Trigger on settings: when the time zone itself changes (typically an admin correcting it after
 * setting up), bookings not yet over are given their local date in the new zone so that day
 * views, quotas and check-in agree with the times shown. Bookings already over keep the day they
 * happened on, in the zone the space then had.
 *
 * Only `day` is written: the rules on `during` and `status` (room hours, events) are not run
 * again for bookings that did not change.
 */
create or replace function private.settings_recompute_booking_days() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.bookings b
     set day = (lower(b.during) at time zone new.time_zone)::date
   where upper(b.during) > now()
     and b.day is distinct from (lower(b.during) at time zone new.time_zone)::date;
  return null;
end
$$;
revoke all on function private.settings_recompute_booking_days() from public, anon, authenticated;
create trigger settings_time_zone_days after update of time_zone on public.settings
  for each row when (old.time_zone is distinct from new.time_zone)
  execute function private.settings_recompute_booking_days();

/** Trigger: a member's room bookings of a day stay within settings.room_hours_per_day (one person
 * could otherwise block every room for the whole booking window); the team is not limited. */
create or replace function private.limit_room_hours() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_limit integer;
  v_hours numeric;
begin
  if new.status = 'cancelled' or private.is_team()
     or (select r.kind from public.resources r where r.id = new.resource_id) <> 'room' then
    return new;
  end if;
  if auth.uid() is null and coalesce(auth.role(), '') <> 'anon' then
    return new;  -- the owner: command line, demo data
  end if;
  select s.room_hours_per_day into v_limit from public.settings s;
  select coalesce(sum(extract(epoch from upper(b.during) - lower(b.during)) / 3600.0), 0) into v_hours
    from public.bookings b join public.resources r on r.id = b.resource_id
   where r.kind = 'room' and b.day = new.day and b.status <> 'cancelled' and b.id <> new.id
     and ((new.member_id is not null and b.member_id = new.member_id)
          or (new.member_id is null and b.guest_email = new.guest_email));
  if v_hours + extract(epoch from upper(new.during) - lower(new.during)) / 3600.0 > v_limit then
    perform private.refuse('booking.room_hours', jsonb_build_object('hours', v_limit));
  end if;
  return new;
end
$$;
revoke all on function private.limit_room_hours() from public;
create trigger bookings_room_hours before insert or update of during, status on public.bookings
  for each row execute function private.limit_room_hours();

create trigger bookings_audit after insert or update or delete on public.bookings
  for each row execute function private.audit();
create trigger closures_audit after insert or update or delete on public.closures
  for each row execute function private.audit();
create trigger share_links_audit after insert or update or delete on public.share_links
  for each row execute function private.audit();

-- ------------------------------------------------------------------------------ row-level security

alter table public.closures enable row level security;
alter table public.share_links enable row level security;
alter table public.bookings enable row level security;

revoke all on public.closures, public.share_links, public.bookings from anon;
revoke truncate, trigger, references on public.closures from authenticated;
-- bookings and links are written only through the functions below
revoke insert, update, delete, truncate, trigger, references on public.bookings, public.share_links
  from authenticated;

create policy "Members see their own bookings, the team sees all" on public.bookings
  for select to authenticated using (
    member_id = (select private.current_member_id()) or (select private.is_team()));

create policy "Closures are readable by signed-in people" on public.closures
  for select to authenticated using ((select private.current_role()) is not null);
create policy "Closures are created by admins" on public.closures
  for insert to authenticated with check ((select private.is_admin()));
create policy "Closures are changed by admins" on public.closures
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "Closures are deleted by admins" on public.closures
  for delete to authenticated using ((select private.is_admin()));

create policy "Share links are seen by admins" on public.share_links
  for select to authenticated using ((select private.is_admin()));

-- ------------------------------------------------------------------------------ shared links: tokens, visitors

/** sha-256 of a token, hex: what the tables keep instead of tokens. */
create or replace function private.token_hash(p_token text) returns text
language sql immutable set search_path = ''
as $$
  select encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$$;
revoke all on function private.token_hash(text) from public;

/** A new unguessable token: two random UUIDs (244 random bits), URL-safe base64. */
create or replace function private.new_token() returns text
language sql volatile set search_path = ''
as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(
    pg_catalog.uuid_send(gen_random_uuid()) || pg_catalog.uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '=')
$$;
revoke all on function private.new_token() from public;

/**
 * The share link behind a token, or a refusal saying why not (unknown, revoked, expired).
 * `p_purpose` is 'booking' or 'events'; links made for 'all' serve both. Other areas reuse this.
 */
create or replace function private.share_link_check(p_token text, p_purpose text default 'booking')
returns public.share_links
language plpgsql stable security definer set search_path = ''
as $$
declare
  l public.share_links;
begin
  select * into l from public.share_links where token_hash = private.token_hash(p_token);
  if not found or (l.purpose <> 'all' and l.purpose <> p_purpose) then
    perform private.refuse('link.unknown');
  end if;
  if l.revoked_at is not null then
    perform private.refuse('link.revoked');
  end if;
  if l.expires_at is not null and l.expires_at <= now() then
    perform private.refuse('link.expired', jsonb_build_object('date', to_char(l.expires_at, 'YYYY-MM-DD')));
  end if;
  return l;
end
$$;
revoke all on function private.share_link_check(text, text) from public;
-- other areas (events) reuse the link check inside their own security definer functions
grant execute on function private.share_link_check(text, text) to service_role;

/** The address a limit counts: lower case, without the `+tag` of the local part
 * (ann+1@x.org and Ann@x.org are both ann@x.org). Only for counting; never stored. */
create or replace function private.email_key(p_email text) returns text
language sql immutable set search_path = ''
as $$
  select pg_catalog.regexp_replace(pg_catalog.lower(pg_catalog.btrim(p_email)), '^([^@+]*)\+[^@]*@', '\1@')
$$;
revoke all on function private.email_key(text) from public;

/** What every shared-link form checks of its visitor (booking, events): an address that looks
 * like one, and a name. Refuses with the message to show. */
create or replace function private.check_link_visitor(p_email text, p_name text) returns void
language plpgsql set search_path = ''
as $$
begin
  if p_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(p_email) > 254 then
    perform private.refuse('link.email_invalid');
  end if;
  if length(p_name) not between 1 and 200 then
    perform private.refuse('link.name_required');
  end if;
end
$$;
revoke all on function private.check_link_visitor(text, text) from public;

-- ------------------------------------------------------------------------------ the booking itself

/**
 * Release unclaimed desk bookings of today whose start is more than `release_unclaimed_minutes`
 * ago and that nobody checked in (off when the setting is null). Optionally one resource only.
 */
create or replace function private.release_unclaimed(p_resource_id uuid default null) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  n integer;
begin
  select * into s from public.settings;
  if s.release_unclaimed_minutes is null then
    return 0;
  end if;
  update public.bookings b
     set status = 'cancelled', cancelled_at = now(), cancel_reason = 'released'
   where b.day = (now() at time zone s.time_zone)::date
     and b.status = 'confirmed' and b.checked_in_at is null
     and (p_resource_id is null or b.resource_id = p_resource_id)
     and lower(b.during) + make_interval(mins => s.release_unclaimed_minutes) <= now()
     and exists (select 1 from public.resources r where r.id = b.resource_id and r.kind = 'desk');
  get diagnostics n = row_count;
  return n;
end
$$;
revoke all on function private.release_unclaimed(uuid) from public;

/** When a member may start checking in to a booking starting at `p_starts`: 30 minutes before (so
 * nobody holds an afternoon desk from 8:00 that the release of unclaimed desks would free). Pages
 * read it too, so the rule is written once. */
create or replace function private.check_in_opens_at(p_starts timestamptz) returns timestamptz
language sql immutable set search_path = ''
as $$
  select p_starts - interval '30 minutes'
$$;
revoke all on function private.check_in_opens_at(timestamptz) from public;
-- pages read it next to a person's bookings, to offer the button only when it will work
grant execute on function private.check_in_opens_at(timestamptz) to authenticated, service_role;

/**
 * The booking itself, shared by book_resource and link_book: every rule, in the order a person
 * would want to hear about them, then the insert. The caller has checked who may book for whom.
 */
create or replace function private.book(
  p_resource_id uuid, p_starts timestamptz, p_ends timestamptz, p_member_id uuid,
  p_guest_name text, p_guest_email text, p_source text, p_share_link_id uuid, p_status text)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  r public.resources;
  d date;
  t_start time;
  t_end time;
  v_units numeric(3,1) := 0;
  v_limit numeric;
  v_used numeric;
  v_closure public.closures;
  v_range tstzrange;
  b public.bookings;
begin
  if p_resource_id is null or p_starts is null or p_ends is null then
    perform private.refuse('booking.missing');
  end if;
  select * into s from public.settings;
  select * into r from public.resources where id = p_resource_id;
  if not found or not r.active then
    perform private.refuse('booking.resource_unavailable');
  end if;
  if p_ends <= p_starts then
    perform private.refuse('booking.bad_range');
  end if;
  d := (p_starts at time zone s.time_zone)::date;
  t_start := (p_starts at time zone s.time_zone)::time;
  t_end := (p_ends at time zone s.time_zone)::time;
  if (p_ends at time zone s.time_zone)::date <> d then
    perform private.refuse('booking.one_day');
  end if;
  -- a slot that has not ended yet can still be taken (someone arriving this morning)
  if p_ends <= now() then
    perform private.refuse('booking.in_past');
  end if;
  if not (extract(isodow from d)::smallint = any (s.open_days)) then
    perform private.refuse('booking.closed_day', jsonb_build_object('date', to_char(d, 'YYYY-MM-DD')));
  end if;
  select * into v_closure from public.closures c
   where d between c.starts_on and c.ends_on and (c.resource_id is null or c.resource_id = r.id)
   order by c.resource_id nulls first limit 1;
  if found then
    perform private.refuse('booking.closure', jsonb_build_object('reason', v_closure.reason));
  end if;
  if t_start < s.opens_at or t_end > s.closes_at then
    perform private.refuse('booking.outside_hours',
      jsonb_build_object('opens', to_char(s.opens_at, 'HH24:MI'), 'closes', to_char(s.closes_at, 'HH24:MI')));
  end if;
  if r.booking_unit = 'half_day' then
    if not ((t_start = s.opens_at and t_end in (s.midday_at, s.closes_at)) or (t_start = s.midday_at and t_end = s.closes_at)) then
      perform private.refuse('booking.half_day_only', jsonb_build_object('midday', to_char(s.midday_at, 'HH24:MI')));
    end if;
    v_units := case when t_start = s.opens_at and t_end = s.closes_at then 1 else 0.5 end;
  else
    if not ((date_trunc('hour', t_start::interval) = t_start::interval or t_start = s.opens_at)
            and (date_trunc('hour', t_end::interval) = t_end::interval or t_end = s.closes_at)) then
      perform private.refuse('booking.whole_hours');
    end if;
  end if;
  if d > (now() at time zone s.time_zone)::date + s.booking_window_days then
    perform private.refuse('booking.window', jsonb_build_object('days', s.booking_window_days));
  end if;

  -- From here on the answer depends on other bookings: serialise. Member (or guest) first,
  -- then the resource, always in this order, so two transactions never wait on each other.
  perform private.lock('person', coalesce(p_member_id::text, lower(p_guest_email)));
  perform private.lock('resource', r.id::text);
  perform private.release_unclaimed(r.id);
  v_range := tstzrange(p_starts, p_ends, '[)');

  if r.kind = 'desk' and p_member_id is not null then
    select p.days_per_month into v_limit
      from public.members m join public.plans p on p.id = m.plan_id where m.id = p_member_id;
    if v_limit is not null then
      select coalesce(sum(x.units), 0) into v_used from public.bookings x
       where x.member_id = p_member_id and x.status <> 'cancelled'
         and x.day >= date_trunc('month', d)::date and x.day < (date_trunc('month', d) + interval '1 month')::date;
      if v_used + v_units > v_limit then
        perform private.refuse('booking.quota', jsonb_build_object('limit', trim_scale(v_limit)::text, 'used', trim_scale(v_used)::text));
      end if;
    end if;
  end if;

  if r.kind = 'desk' and exists (
      select 1 from public.bookings x join public.resources xr on xr.id = x.resource_id
       where x.day = d and x.status <> 'cancelled' and xr.kind = 'desk' and x.during && v_range
         and (x.member_id = p_member_id or (p_member_id is null and x.guest_email = lower(p_guest_email)))) then
    perform private.refuse('booking.one_desk');
  end if;

  if exists (select 1 from public.bookings x
              where x.resource_id = r.id and x.day = d and x.status <> 'cancelled' and x.during && v_range) then
    perform private.refuse('booking.taken');
  end if;

  begin
    insert into public.bookings (resource_id, member_id, guest_name, guest_email, during, units, status,
                                 source, share_link_id, booked_by)
    values (r.id, p_member_id, nullif(btrim(p_guest_name), ''), lower(btrim(p_guest_email)), v_range, v_units,
            p_status, p_source, p_share_link_id, auth.uid())
    returning * into b;
  exception when exclusion_violation then
    perform private.refuse('booking.taken');
  end;
  return b;
end
$$;
revoke all on function private.book(uuid, timestamptz, timestamptz, uuid, text, text, text, uuid, text) from public;

-- ------------------------------------------------------------------------------ SQL API

/**
 * Book a desk (half day or whole day on the settings' boundaries) or a room (whole hours) for
 * oneself, or — admins and staff — for another member. Returns the booking.
 */
create or replace function public.book_resource(p_resource_id uuid, p_starts timestamptz, p_ends timestamptz,
                                                p_member_id uuid default null)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := private.current_member_id();
  target uuid := coalesce(p_member_id, me);
  team boolean := private.is_team();
begin
  if me is null then
    perform private.refuse('booking.sign_in');
  end if;
  if target <> me and not team then
    perform private.refuse('booking.team_only');
  end if;
  if not exists (select 1 from public.members m where m.id = target and m.active) then
    perform private.refuse('booking.member_inactive');
  end if;
  return private.book(p_resource_id, p_starts, p_ends, target, null, null,
                      case when target <> me then 'admin' else 'app' end, null, 'confirmed');
end
$$;
revoke all on function public.book_resource(uuid, timestamptz, timestamptz, uuid) from public, anon;
grant execute on function public.book_resource(uuid, timestamptz, timestamptz, uuid) to authenticated, service_role;

/** Cancel one's own booking before the cut-off; the team may cancel any booking at any time. */
create or replace function public.cancel_booking(p_booking_id uuid)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  b public.bookings;
  team boolean := private.is_team();
begin
  select * into s from public.settings;
  select * into b from public.bookings where id = p_booking_id for update;
  if not found or (not team and b.member_id is distinct from private.current_member_id()) then
    perform private.refuse('booking.not_found');
  end if;
  if b.status = 'cancelled' then
    perform private.refuse('booking.already_cancelled');
  end if;
  if not team and now() > lower(b.during) - make_interval(hours => s.cancellation_cutoff_hours) then
    perform private.refuse('booking.cutoff', jsonb_build_object('hours', s.cancellation_cutoff_hours));
  end if;
  update public.bookings
     set status = 'cancelled', cancelled_at = now(), cancel_reason = case when team and b.member_id is distinct
       from private.current_member_id() then 'team' else 'member' end
   where id = b.id returning * into b;
  return b;
end
$$;
revoke all on function public.cancel_booking(uuid) from public, anon;
grant execute on function public.cancel_booking(uuid) to authenticated, service_role;

/**
 * The shared-link path, for anyone: validates the link and its abuse limits, books as the
 * member who has this email (within their quota) or as a guest (pending when guests need
 * approval). Returns the private manage token — shown once, only its hash is kept.
 * The per-address daily limit counts a normalised address (private.email_key), so ann+1@x.org
 * and ann+2@x.org are one person; the booking keeps what the visitor typed.
 */
create or replace function public.link_book(p_token text, p_email text, p_full_name text, p_resource_id uuid,
                                            p_starts timestamptz, p_ends timestamptz)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  l public.share_links;
  s public.settings;
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_key text;
  v_name text := btrim(coalesce(p_full_name, ''));
  v_member public.members;
  v_day date;
  v_count integer;
  b public.bookings;
  v_token text := private.new_token();
begin
  l := private.share_link_check(p_token, 'booking');
  select * into s from public.settings;
  perform private.check_link_visitor(v_email, v_name);
  v_key := private.email_key(v_email);
  v_day := (p_starts at time zone s.time_zone)::date;
  -- counting then inserting must not interleave with another visitor of the same link
  perform private.lock('booking_link', l.id::text);
  select count(*) into v_count from public.bookings
   where share_link_id = l.id and created_at >= date_trunc('day', now() at time zone s.time_zone) at time zone s.time_zone;
  if v_count >= l.max_per_day then
    perform private.refuse('link.limit');
  end if;
  -- one person however they spell their address: a guest's typed address, or a member whose
  -- address has the same key (ann+work@x.org as a member, ann@x.org typed, count together)
  select count(*) into v_count from public.bookings x
   where x.share_link_id is not null and x.day = v_day and x.status <> 'cancelled'
     and (private.email_key(x.guest_email) = v_key
          or x.member_id in (select m.id from public.members m where private.email_key(m.email::text) = v_key));
  if v_count >= l.max_per_email_per_day then
    perform private.refuse('link.email_limit', jsonb_build_object('max', l.max_per_email_per_day));
  end if;
  select * into v_member from public.members m where m.email operator(extensions.=) v_email::extensions.citext;
  if found and v_member.active then
    -- the name typed is kept with the booking: the manage link shows it back, never the member's own
    begin
      b := private.book(p_resource_id, p_starts, p_ends, v_member.id, v_name, null, 'link', l.id, 'confirmed');
    exception when raise_exception then
      -- whoever holds the link must not learn a member's plan, usage or other bookings
      if sqlerrm in ('booking.quota', 'booking.one_desk') then
        perform private.refuse('link.member_refused');
      end if;
      raise;
    end;
  else
    b := private.book(p_resource_id, p_starts, p_ends, null, v_name, v_email, 'link', l.id,
                      case when s.guest_approval_required then 'pending' else 'confirmed' end);
  end if;
  update public.bookings set token_hash = private.token_hash(v_token) where id = b.id;
  return v_token;
end
$$;
-- the shared-link visitor (anon) may call the link_* functions, and only those
revoke all on function public.link_book(text, text, text, uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.link_book(text, text, text, uuid, timestamptz, timestamptz) to anon, authenticated, service_role;

/** What a manage link shows: the booking it manages and the name typed when booking — nothing
 * from the member record (whoever typed a member's email must not learn their name). */
create or replace function public.link_booking(p_manage_token text)
returns table (booking_id uuid, resource_name text, zone_name text, starts timestamptz, ends timestamptz,
               status text, full_name text)
language sql stable security definer set search_path = ''
as $$
  select b.id, r.name, z.name, lower(b.during), upper(b.during), b.status, b.guest_name
    from public.bookings b
    join public.resources r on r.id = b.resource_id
    join public.zones z on z.id = r.zone_id
   where b.token_hash = private.token_hash(p_manage_token) and p_manage_token is not null
$$;
revoke all on function public.link_booking(text) from public, anon;
grant execute on function public.link_booking(text) to anon, authenticated, service_role;

/** Cancel the booking a manage token manages (before the cut-off). Returns its new status. */
create or replace function public.link_cancel(p_manage_token text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  b public.bookings;
begin
  select * into s from public.settings;
  select * into b from public.bookings where token_hash = private.token_hash(p_manage_token) for update;
  if not found or p_manage_token is null then
    perform private.refuse('link.manage_unknown');
  end if;
  if b.status = 'cancelled' then
    perform private.refuse('booking.already_cancelled');
  end if;
  if now() > lower(b.during) - make_interval(hours => s.cancellation_cutoff_hours) then
    perform private.refuse('booking.cutoff', jsonb_build_object('hours', s.cancellation_cutoff_hours));
  end if;
  update public.bookings set status = 'cancelled', cancelled_at = now(), cancel_reason = 'link' where id = b.id;
  return 'cancelled';
end
$$;
revoke all on function public.link_cancel(text) from public, anon;
grant execute on function public.link_cancel(text) to anon, authenticated, service_role;

/**
 * Availability of one day: one row per active resource of `p_kind` and slot (desks: morning,
 * afternoon; rooms: each hour), with its state: free, taken, mine, pending, closed or past.
 * Says nothing about who booked. `p_member_id` marks "mine"; callers pass their own id.
 */
create or replace function private.day_grid(p_day date, p_kind text, p_member_id uuid)
returns table (resource_id uuid, resource_name text, zone_id uuid, zone_name text, kind text,
               pos_x numeric, pos_y numeric, slot text, slot_starts timestamptz, slot_ends timestamptz, state text)
language sql stable security definer set search_path = ''
as $$
  with s as materialized (select * from public.settings),
  res as (
    select r.id, r.name, r.zone_id, r.kind, r.pos_x, r.pos_y, z.name as zone_name, z.sort_order
      from public.resources r join public.zones z on z.id = r.zone_id
     where r.active and z.active and r.kind = p_kind),
  slots as (
    select 'am' as slot, s.opens_at as t0, s.midday_at as t1 from s where p_kind = 'desk'
    union all
    select 'pm', s.midday_at, s.closes_at from s where p_kind = 'desk'
    union all
    select to_char(h.t0, 'HH24:MI'), h.t0, least(coalesce(lead(h.t0) over (order by h.t0), s.closes_at), s.closes_at)
      from s, lateral (
        select s.opens_at as t0
        union
        select g::time from generate_series(date_trunc('hour', p_day + s.opens_at) + interval '1 hour',
                                            p_day + s.closes_at - interval '1 minute', interval '1 hour') g) h
     where p_kind = 'room'),
  -- materialised on purpose: joined by resource (hash) instead of a lookup per cell, 2-3x faster
  cells as materialized (
    select res.*, sl.slot, (p_day + sl.t0) at time zone s.time_zone as st, (p_day + sl.t1) at time zone s.time_zone as en
      from res cross join slots sl cross join s),
  day_bookings as materialized (
    select b.resource_id, lower(b.during) as lo, upper(b.during) as hi, b.member_id
      from public.bookings b, s
     where b.day = p_day and b.status <> 'cancelled'
       and not (s.release_unclaimed_minutes is not null and b.checked_in_at is null and b.status = 'confirmed'
                and lower(b.during) + make_interval(mins => s.release_unclaimed_minutes) <= now() and p_kind = 'desk')),
  taken as (
    select c.id, c.st, bool_or(d.member_id is not distinct from p_member_id and p_member_id is not null) as mine
      from cells c join day_bookings d on d.resource_id = c.id and d.lo < c.en and d.hi > c.st
     group by c.id, c.st),
  closed as (
    select cl.resource_id from public.closures cl where p_day between cl.starts_on and cl.ends_on),
  space_closed as (
    select not (extract(isodow from p_day)::smallint = any (s.open_days))
           or exists (select 1 from closed where closed.resource_id is null) as v from s)
  select c.id, c.name, c.zone_id, c.zone_name, c.kind, c.pos_x, c.pos_y, c.slot, c.st, c.en,
         case
           when (select v from space_closed) or c.id in (select resource_id from closed where resource_id is not null)
             then 'closed'
           when tk.mine then 'mine'
           when tk.id is not null then 'taken'
           when c.en <= now() then 'past'
           else 'free'
         end
    from cells c left join taken tk on tk.id = c.id and tk.st = c.st
   order by c.sort_order, c.zone_name, c.name, c.st
$$;
revoke all on function private.day_grid(date, text, uuid) from public;

/** The day grid for a signed-in person ("mine" marks their own bookings). */
create or replace function public.day_grid(p_day date, p_kind text default 'desk')
returns table (resource_id uuid, resource_name text, zone_id uuid, zone_name text, kind text,
               pos_x numeric, pos_y numeric, slot text, slot_starts timestamptz, slot_ends timestamptz, state text)
language sql stable security definer set search_path = ''
as $$
  select * from private.day_grid(p_day, p_kind, private.current_member_id())
   where private.current_role() is not null
$$;
revoke all on function public.day_grid(date, text) from public, anon;
grant execute on function public.day_grid(date, text) to authenticated, service_role;

/** The day grid for a shared-link visitor: only with a valid link, and nobody is "mine". */
create or replace function public.link_day_grid(p_token text, p_day date, p_kind text default 'desk')
returns table (resource_id uuid, resource_name text, zone_id uuid, zone_name text, kind text,
               pos_x numeric, pos_y numeric, slot text, slot_starts timestamptz, slot_ends timestamptz, state text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.share_link_check(p_token, 'booking');
  return query select * from private.day_grid(p_day, p_kind, null);
end
$$;
revoke all on function public.link_day_grid(text, date, text) from public, anon;
grant execute on function public.link_day_grid(text, date, text) to anon, authenticated, service_role;

/** What a shared-link page needs to know about the space (no personal data). */
create or replace function public.link_space(p_token text)
returns table (space_name text, time_zone text, opens_at time, midday_at time, closes_at time,
               booking_window_days integer, open_days smallint[], link_label text, guest_approval_required boolean,
               cancellation_cutoff_hours integer)
language plpgsql stable security definer set search_path = ''
as $$
declare
  l public.share_links := private.share_link_check(p_token, 'booking');
begin
  return query select s.space_name, s.time_zone, s.opens_at, s.midday_at, s.closes_at, s.booking_window_days,
                      s.open_days, l.label, s.guest_approval_required, s.cancellation_cutoff_hours
                 from public.settings s;
end
$$;
revoke all on function public.link_space(text) from public, anon;
grant execute on function public.link_space(text) to anon, authenticated, service_role;

/** Check in to one's booking of today, from 30 minutes before it starts until it ends (the team:
 * anyone's, any time on the day). */
create or replace function public.check_in(p_booking_id uuid)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  b public.bookings;
begin
  select * into s from public.settings;
  select * into b from public.bookings where id = p_booking_id for update;
  if not found or (not private.is_team() and b.member_id is distinct from private.current_member_id()) then
    perform private.refuse('booking.not_found');
  end if;
  if b.status = 'cancelled' then
    perform private.refuse('checkin.cancelled');
  end if;
  if b.status = 'pending' then
    perform private.refuse('checkin.pending');
  end if;
  if b.day <> (now() at time zone s.time_zone)::date then
    perform private.refuse('checkin.not_today');
  end if;
  if b.checked_in_at is not null then
    perform private.refuse('checkin.already');
  end if;
  if not private.is_team() then
    if now() < private.check_in_opens_at(lower(b.during)) then
      perform private.refuse('checkin.too_early', jsonb_build_object(
        'from', to_char(private.check_in_opens_at(lower(b.during)) at time zone s.time_zone, 'HH24:MI')));
    end if;
    if now() >= upper(b.during) then
      perform private.refuse('checkin.ended');
    end if;
  end if;
  update public.bookings set checked_in_at = now(), no_show_at = null where id = b.id returning * into b;
  return b;
end
$$;
revoke all on function public.check_in(uuid) from public, anon;
grant execute on function public.check_in(uuid) to authenticated, service_role;

/** The team marks a confirmed booking whose start has passed as a no-show, once (not a pending or
 * cancelled one, and marking twice would move the time). */
/**
 * Why a booking cannot be marked as a no-show now (a refusal key), or null when it can: confirmed,
 * started, nobody checked in, not marked yet. mark_no_show refuses with it; the staff day offers
 * the button only where it is null, so the page never restates the rule.
 */
create or replace function private.no_show_refusal(b public.bookings) returns text
language sql stable set search_path = ''
as $$
  select case
    when b.status = 'cancelled' then 'booking.no_show_cancelled'
    when b.status = 'pending' then 'booking.no_show_pending'
    when b.no_show_at is not null then 'booking.no_show_already'
    when b.checked_in_at is not null then 'booking.no_show_checked_in'
    when lower(b.during) > now() then 'booking.no_show_future'
  end
$$;
revoke all on function private.no_show_refusal(public.bookings) from public, anon;
grant execute on function private.no_show_refusal(public.bookings) to authenticated, service_role;

create or replace function public.mark_no_show(p_booking_id uuid)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  b public.bookings;
  v_refusal text;
begin
  if not private.is_team() then
    perform private.refuse('booking.team_only');
  end if;
  select * into b from public.bookings where id = p_booking_id for update;
  if not found then
    perform private.refuse('booking.not_found');
  end if;
  v_refusal := private.no_show_refusal(b);
  if v_refusal is not null then
    perform private.refuse(v_refusal);
  end if;
  update public.bookings set no_show_at = now() where id = b.id returning * into b;
  return b;
end
$$;
revoke all on function public.mark_no_show(uuid) from public, anon;
grant execute on function public.mark_no_show(uuid) to authenticated, service_role;

/** The team approves a guest's pending booking. */
create or replace function public.approve_booking(p_booking_id uuid)
returns public.bookings
language plpgsql security definer set search_path = ''
as $$
declare
  b public.bookings;
begin
  if not private.is_team() then
    perform private.refuse('booking.team_only');
  end if;
  select * into b from public.bookings where id = p_booking_id for update;
  if not found then
    perform private.refuse('booking.not_found');
  end if;
  if b.status <> 'pending' then
    perform private.refuse('booking.not_pending');
  end if;
  update public.bookings set status = 'confirmed' where id = b.id returning * into b;
  return b;
end
$$;
revoke all on function public.approve_booking(uuid) from public, anon;
grant execute on function public.approve_booking(uuid) to authenticated, service_role;

/** Release unclaimed desks now (the team, or a scheduled job as service_role). Returns how many. */
create or replace function public.release_unclaimed()
returns integer
language plpgsql security definer set search_path = ''
as $$
begin
  -- the team, or a job without a signed-in person (command line, service_role)
  if auth.uid() is not null and not private.is_team() then
    perform private.refuse('booking.team_only');
  end if;
  return private.release_unclaimed(null);
end
$$;
revoke all on function public.release_unclaimed() from public, anon;
grant execute on function public.release_unclaimed() to authenticated, service_role;

/** Admins: create a shared link. Returns its token, shown once (only the hash is kept). */
create or replace function public.create_share_link(p_label text, p_expires_at timestamptz default null,
                                                    p_max_per_day integer default 200,
                                                    p_max_per_email_per_day integer default 2,
                                                    p_purpose text default 'booking')
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  v_token text := private.new_token();
begin
  if auth.uid() is not null and not private.is_admin() then
    perform private.refuse('link.admin_only');
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    perform private.refuse('link.expiry_past');
  end if;
  insert into public.share_links (label, token_hash, expires_at, max_per_day, max_per_email_per_day, purpose,
                                  created_by)
  values (btrim(p_label), private.token_hash(v_token), p_expires_at, p_max_per_day, p_max_per_email_per_day,
          p_purpose, private.current_member_id());
  return v_token;
end
$$;
revoke all on function public.create_share_link(text, timestamptz, integer, integer, text) from public, anon;
grant execute on function public.create_share_link(text, timestamptz, integer, integer, text) to authenticated, service_role;

/** Admins: revoke a shared link (its bookings stay). */
create or replace function public.revoke_share_link(p_link_id uuid)
returns public.share_links
language plpgsql security definer set search_path = ''
as $$
declare
  l public.share_links;
begin
  if auth.uid() is not null and not private.is_admin() then
    perform private.refuse('link.admin_only');
  end if;
  update public.share_links set revoked_at = coalesce(revoked_at, now()) where id = p_link_id returning * into l;
  if not found then
    perform private.refuse('link.unknown');
  end if;
  return l;
end
$$;
revoke all on function public.revoke_share_link(uuid) from public, anon;
grant execute on function public.revoke_share_link(uuid) to authenticated, service_role;

/** Admins: cancel the future bookings of a resource (before deactivating it, or for a closure). */
create or replace function public.cancel_future_bookings(p_resource_id uuid, p_reason text default 'resource_inactive',
                                                         p_from date default null, p_to date default null)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  n integer;
begin
  if auth.uid() is not null and not private.is_admin() then
    perform private.refuse('booking.admin_only');
  end if;
  update public.bookings b set status = 'cancelled', cancelled_at = now(), cancel_reason = p_reason
   where (p_resource_id is null or b.resource_id = p_resource_id) and b.status <> 'cancelled'
     and upper(b.during) > now()
     and (p_from is null or b.day >= p_from) and (p_to is null or b.day <= p_to);
  get diagnostics n = row_count;
  return n;
end
$$;
revoke all on function public.cancel_future_bookings(uuid, text, date, date) from public, anon;
grant execute on function public.cancel_future_bookings(uuid, text, date, date) to authenticated, service_role;
