/**
 * Events for a space that runs two hundred a year (issue #14, the team's side).
 *
 * - Series: `public.event_series` keeps the rule (weekly, every two weeks, monthly on the same
 *   weekday position — "first Thursday" — or on the same day of the month; until a date or N
 *   times). Each occurrence is an ordinary `events` row with `series_id`, so registrations,
 *   attendance, the link and the statistics know nothing new, and a registration stays with its
 *   date whatever happens to the rest of the series. The team calls `create_event_series`,
 *   `update_event_series_from` (this and all following) and `cancel_event_series_from`; one
 *   occurrence is edited or cancelled as any event (the table, `cancel_event`).
 * - Registration cut-off: `events.registration_closes_at` (null: `settings.registration_cutoff_minutes`
 *   before the start). A trigger on registrations refuses what a member or a link visitor asks
 *   after it (`event.registration_closed`, saying when it closed) whatever the path
 *   (`register_for_event`, `link_prove`); `link_register` refuses at request time too. The team
 *   registering someone else (source 'admin') and the owner (the command line, the demo) are not
 *   held by it.
 * - Events take a zone: `events.zone_id` with set-up and clear-up minutes. Every desk of that
 *   zone is refused to bookings over [start − set-up, end + clear-up) of a published event
 *   (`private.bookings_respect_events`, extended), shown as taken by `private.day_grid` (so the
 *   app's grid, the floor plan and the link's form all see it), and `event_zone_bookings` lists
 *   the desk bookings an event hits, for the team to move or cancel.
 */

set local search_path = public, extensions;

-- ------------------------------------------------------------------------------ settings, columns

alter table public.settings
  add column registration_cutoff_minutes integer not null default 120
    constraint settings_registration_cutoff check (registration_cutoff_minutes between 0 and 10080);

/** The rule of a series of events; its occurrences are `events` rows pointing here. */
create table public.event_series (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(btrim(title)) between 1 and 200),
  -- weekly, every two weeks, monthly on the same weekday position ("third Tuesday"; a fifth
  -- weekday means the last one of the month), monthly on the same day (the last day of a
  -- shorter month)
  frequency text not null check (frequency in ('weekly', 'biweekly', 'monthly_weekday', 'monthly_day')),
  first_day date not null,
  until_day date,
  occurrences integer check (occurrences is null or occurrences between 1 and 200),
  created_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint event_series_end check (until_day is not null or occurrences is not null)
);

alter table public.events
  add column series_id uuid references public.event_series (id) on delete restrict,
  add column registration_closes_at timestamptz,
  add column zone_id uuid references public.zones (id) on delete restrict,
  add column setup_minutes integer not null default 0
    constraint events_setup_minutes check (setup_minutes between 0 and 720),
  add column clearup_minutes integer not null default 0
    constraint events_clearup_minutes check (clearup_minutes between 0 and 720),
  add constraint events_closes_before_end check (registration_closes_at is null or registration_closes_at <= ends_at);
create index events_series_idx on public.events (series_id, starts_at) where series_id is not null;
-- the booking trigger asks "a published event in this desk's zone?" on every desk booking
create index events_zone_idx on public.events (zone_id, starts_at) where zone_id is not null;

create trigger event_series_audit after insert or update or delete on public.event_series
  for each row execute function private.audit();

alter table public.event_series enable row level security;
revoke all on public.event_series from anon;
-- written only through the functions below
revoke insert, update, delete, truncate, trigger, references on public.event_series from authenticated;
create policy "The team reads series" on public.event_series
  for select to authenticated using ((select private.is_team()));

-- ------------------------------------------------------------------------------ the cut-off

/** When registering closes for an event: its own time, else the setting before its start. */
create or replace function private.registration_closes_at(e public.events) returns timestamptz
language sql stable security definer set search_path = ''
as $$
  select coalesce(e.registration_closes_at,
                  e.starts_at - make_interval(mins => (select s.registration_cutoff_minutes from public.settings s)))
$$;
revoke all on function private.registration_closes_at(public.events) from public;

/** Refuse with event.registration_closed when the cut-off has passed (the local day and time
 * it closed as parameters: `day` 2026-12-31, which lib/core/errors.py writes in the reader's
 * language, and `time` 18:00). */
create or replace function private.refuse_if_registration_closed(e public.events) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_at timestamptz := private.registration_closes_at(e);
  v_local timestamp;
begin
  if now() < v_at then
    return;
  end if;
  v_local := v_at at time zone (select s.time_zone from public.settings s);
  perform private.refuse('event.registration_closed', jsonb_build_object(
    'day', to_char(v_local, 'YYYY-MM-DD'), 'time', to_char(v_local, 'HH24:MI')));
end
$$;
revoke all on function private.refuse_if_registration_closed(public.events) from public;

/**
 * Trigger: a member or a link visitor (through any function: register_for_event, link_prove)
 * cannot register after the cut-off. The team registering someone else (source 'admin') and
 * the owner (command line, demo data: no API role) may. An event that has started is refused
 * earlier by private.register, with its own sentence.
 */
create or replace function private.registrations_respect_cutoff() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
begin
  if new.source not in ('app', 'link') or coalesce(auth.role(), '') not in ('anon', 'authenticated') then
    return new;
  end if;
  select * into e from public.events where id = new.event_id;
  perform private.refuse_if_registration_closed(e);
  return new;
end
$$;
revoke all on function private.registrations_respect_cutoff() from public;
create trigger registrations_respect_cutoff before insert on public.registrations
  for each row execute function private.registrations_respect_cutoff();

/**
 * link_register (replaced, from 20261205140000_link_proof.sql): the same, and it refuses a
 * request after the cut-off (saying when it closed), and a request expires at the cut-off.
 */
create or replace function public.link_register(p_token text, p_event_id uuid, p_email text, p_full_name text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  l public.share_links;
  s public.settings;
  e public.events;
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_name text := btrim(coalesce(p_full_name, ''));
begin
  l := private.share_link_check(p_token, 'events');
  select * into s from public.settings;
  perform private.check_link_visitor(v_email, v_name);
  select * into e from public.events where id = p_event_id;
  if not found or e.status = 'draft' then
    perform private.refuse('event.not_found');
  end if;
  if e.status = 'cancelled' then
    perform private.refuse('event.cancelled');
  end if;
  if e.starts_at <= now() then
    perform private.refuse('event.started');
  end if;
  perform private.refuse_if_registration_closed(e);
  perform private.link_request(
    l, 'registration', v_email, v_name, null, null, null, e.id,
    least(now() + interval '2 hours', private.registration_closes_at(e)),
    jsonb_build_object('request', 'registration', 'space', s.space_name, 'time_zone', s.time_zone,
                       'title', e.title, 'starts', e.starts_at, 'ends', e.ends_at,
                       'room', (select r.name from public.resources r where r.id = e.room_id)));
  return 'check_email';
end
$$;
revoke all on function public.link_register(text, uuid, text, text) from public, anon;
grant execute on function public.link_register(text, uuid, text, text) to anon, authenticated, service_role;

-- ------------------------------------------------------------------------------ events take a zone

/** The time an event holds its zone: set-up before, clear-up after. */
create or replace function private.event_hold(e public.events) returns tstzrange
language sql immutable set search_path = ''
as $$
  select tstzrange(e.starts_at - make_interval(mins => e.setup_minutes),
                   e.ends_at + make_interval(mins => e.clearup_minutes), '[)')
$$;
revoke all on function private.event_hold(public.events) from public;

/**
 * Trigger (replaced, from 20261204150000_events.sql): a room booking is refused while a
 * published event holds that room (as before); now also a desk booking while a published event
 * holds the desk's zone, set-up and clear-up included, with the event's title and the local
 * times it holds the zone. The zone case takes no lock: creating such an event is never refused
 * for the bookings it hits (the team is shown them), so there is no race to serialise.
 */
create or replace function private.bookings_respect_events() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_title text;
  v_hold tstzrange;
  v_zone uuid;
  v_tz text;
begin
  if new.status = 'cancelled' then
    return new;
  end if;
  if tg_op = 'UPDATE' and new.status = old.status and new.during = old.during and new.resource_id = old.resource_id then
    return new;
  end if;
  select r.zone_id into v_zone from public.resources r where r.id = new.resource_id and r.kind = 'desk';
  if v_zone is not null then
    select e.title, private.event_hold(e) into v_title, v_hold from public.events e
     where e.zone_id = v_zone and e.status = 'published'
       and e.starts_at < upper(new.during) + interval '12 hours' and e.ends_at > lower(new.during) - interval '12 hours'
       and private.event_hold(e) && new.during
     order by e.starts_at limit 1;
    if found then
      v_tz := (select s.time_zone from public.settings s);
      perform private.refuse('booking.event_in_zone', jsonb_build_object(
        'title', v_title, 'from', to_char(lower(v_hold) at time zone v_tz, 'HH24:MI'),
        'to', to_char(upper(v_hold) at time zone v_tz, 'HH24:MI')));
    end if;
  end if;
  if not exists (select 1 from public.events e where e.room_id = new.resource_id and e.status <> 'cancelled') then
    return new;  -- most resources (every desk) never hold an event in their room: no lock needed
  end if;
  perform private.lock('resource', new.resource_id::text);
  select e.title into v_title from public.events e
   where e.room_id = new.resource_id and e.status = 'published'
     and tstzrange(e.starts_at, e.ends_at, '[)') && new.during
   order by e.starts_at limit 1;
  if found then
    perform private.refuse('booking.event_in_room', jsonb_build_object('title', v_title));
  end if;
  return new;
end
$$;
revoke all on function private.bookings_respect_events() from public;

/**
 * The live desk bookings a (non-cancelled) event's zone hold hits — for the team to move or
 * cancel after creating or moving the event. Team only.
 */
create or replace function public.event_zone_bookings(p_event_id uuid)
returns table (booking_id uuid, resource_name text, who text, email text, starts_at timestamptz,
               ends_at timestamptz, status text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not coalesce(private.is_team(), false) then
    perform private.refuse('event.team_only');
  end if;
  return query
    select b.id, r.name, coalesce(m.full_name, b.guest_name), coalesce(m.email::text, b.guest_email),
           lower(b.during), upper(b.during), b.status
      from public.events e
      join public.resources r on r.zone_id = e.zone_id and r.kind = 'desk'
      join public.bookings b on b.resource_id = r.id
      left join public.members m on m.id = b.member_id
     where e.id = p_event_id and e.status <> 'cancelled' and b.status <> 'cancelled'
       and b.day between ((e.starts_at - interval '1 day') at time zone 'UTC')::date
                     and ((e.ends_at + interval '1 day') at time zone 'UTC')::date
       and b.during && private.event_hold(e)
     order by lower(b.during), r.name;
end
$$;
revoke all on function public.event_zone_bookings(uuid) from public, anon;
grant execute on function public.event_zone_bookings(uuid) to authenticated, service_role;

/**
 * private.day_grid (replaced, from 20261204120000_bookings.sql): the same, and a slot is
 * 'taken' while a published event holds it — a desk whose zone an event takes (set-up and
 * clear-up included), a room an event is held in — so every client (the app's grid and floor
 * plan, the shared link's form) shows what the booking functions would refuse.
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
  -- published events of the day that hold a zone (desks) or a room (rooms)
  day_events as materialized (
    select e.zone_id, e.room_id, lower(private.event_hold(e)) as lo, upper(private.event_hold(e)) as hi
      from public.events e, s
     where e.status = 'published' and (e.zone_id is not null or e.room_id is not null)
       and e.starts_at < ((p_day + 1)::timestamp at time zone s.time_zone) + interval '12 hours'
       and e.ends_at > (p_day::timestamp at time zone s.time_zone) - interval '12 hours'),
  held as (
    select distinct c.id, c.st
      from cells c join day_events d
        on ((c.kind = 'desk' and d.zone_id = c.zone_id) or (c.kind = 'room' and d.room_id = c.id))
       and d.lo < c.en and d.hi > c.st),
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
           when tk.id is not null or h.id is not null then 'taken'
           when c.en <= now() then 'past'
           else 'free'
         end
    from cells c left join taken tk on tk.id = c.id and tk.st = c.st
    left join held h on h.id = c.id and h.st = c.st
   order by c.sort_order, c.zone_name, c.name, c.st
$$;
revoke all on function private.day_grid(date, text, uuid) from public;

-- ------------------------------------------------------------------------------ series

/**
 * The local days of a series' occurrences, in order: from p_first, by the frequency, until
 * p_until (included) or p_count days, at most 200 and at most two years.
 */
create or replace function private.series_days(p_first date, p_frequency text, p_until date, p_count integer)
returns setof date
language plpgsql immutable set search_path = ''
as $$
declare
  v_day date;
  v_n integer := 0;
  v_i integer := 0;
  v_month date;
  v_pos integer := (extract(day from p_first)::integer - 1) / 7 + 1;  -- 1st … 5th such weekday
  v_dow integer := extract(isodow from p_first)::integer;
  v_last date;
begin
  loop
    if p_frequency = 'weekly' then
      v_day := p_first + 7 * v_i;
    elsif p_frequency = 'biweekly' then
      v_day := p_first + 14 * v_i;
    elsif p_frequency in ('monthly_weekday', 'monthly_day') then
      v_month := (date_trunc('month', p_first) + make_interval(months => v_i))::date;
      v_last := (v_month + interval '1 month' - interval '1 day')::date;
      if p_frequency = 'monthly_day' then
        v_day := least(v_month + (extract(day from p_first)::integer - 1), v_last);
      else
        -- the first such weekday of the month, then (pos − 1) weeks on; a fifth falls back to the last
        v_day := v_month + ((v_dow - extract(isodow from v_month)::integer + 7) % 7) + 7 * (v_pos - 1);
        if v_day > v_last then
          v_day := v_day - 7;
        end if;
      end if;
    else
      perform private.refuse('event.series_frequency');
    end if;
    v_i := v_i + 1;
    exit when (p_until is not null and v_day > p_until) or (p_count is not null and v_n >= p_count)
              or v_n >= 200 or v_day > p_first + 731;
    v_n := v_n + 1;
    return next v_day;
  end loop;
end
$$;
revoke all on function private.series_days(date, text, date, integer) from public;

/**
 * Create a series (the team): the first occurrence at p_starts–p_ends, the next ones on the
 * days of the rule at the same local times, until p_until (a local day, included) or p_count
 * occurrences (at most 200, over at most two years). Every occurrence is an event (its triggers
 * check the room); registration closes p_registration_closes_minutes before each start (null:
 * the setting). Returns the series' id.
 */
create or replace function public.create_event_series(
  p_title text, p_starts timestamptz, p_ends timestamptz, p_frequency text,
  p_until date default null, p_count integer default null, p_kind text default 'meetup',
  p_room_id uuid default null, p_capacity integer default 30, p_status text default 'draft',
  p_description text default null, p_zone_id uuid default null, p_setup_minutes integer default 0,
  p_clearup_minutes integer default 0, p_registration_closes_minutes integer default null)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
  v_start_local timestamp := p_starts at time zone v_tz;
  v_first date := v_start_local::date;
  v_length interval := (p_ends at time zone v_tz) - v_start_local;
  v_series uuid;
  v_day date;
  v_starts timestamptz;
begin
  if not coalesce(private.is_team(), false) and coalesce(auth.role(), '') in ('anon', 'authenticated') then
    perform private.refuse('event.team_only');
  end if;
  if p_starts is null or p_ends is null or p_ends <= p_starts then
    perform private.refuse('event.bad_range');
  end if;
  if p_frequency is null or p_frequency not in ('weekly', 'biweekly', 'monthly_weekday', 'monthly_day') then
    perform private.refuse('event.series_frequency');
  end if;
  if (p_until is null) = (p_count is null) or (p_count is not null and p_count not between 2 and 200)
     or (p_until is not null and (p_until <= v_first or p_until > v_first + 731)) then
    perform private.refuse('event.series_end');
  end if;
  if p_status is null or p_status not in ('draft', 'published') then
    perform private.refuse('event.series_status');
  end if;
  insert into public.event_series (title, frequency, first_day, until_day, occurrences, created_by)
  values (btrim(coalesce(p_title, '')), p_frequency, v_first, p_until, p_count, private.current_member_id())
  returning id into v_series;
  for v_day in select d from private.series_days(v_first, p_frequency, p_until, p_count) d loop
    v_starts := (v_day + v_start_local::time) at time zone v_tz;
    insert into public.events (title, kind, starts_at, ends_at, room_id, capacity, status, description, series_id,
                               zone_id, setup_minutes, clearup_minutes, registration_closes_at)
    values (btrim(p_title), p_kind, v_starts, ((v_day + v_start_local::time) + v_length) at time zone v_tz,
            p_room_id, p_capacity, p_status, nullif(btrim(p_description), ''), v_series, p_zone_id,
            coalesce(p_setup_minutes, 0), coalesce(p_clearup_minutes, 0),
            v_starts - make_interval(mins => p_registration_closes_minutes));
  end loop;
  return v_series;
end
$$;
revoke all on function public.create_event_series(text, timestamptz, timestamptz, text, date, integer, text, uuid,
  integer, text, text, uuid, integer, integer, integer) from public, anon;
grant execute on function public.create_event_series(text, timestamptz, timestamptz, text, date, integer, text, uuid,
  integer, text, text, uuid, integer, integer, integer) to authenticated, service_role;

/**
 * Change this occurrence and all the following ones of its series that are not cancelled (the
 * team). p_changes holds only what changes: title, kind, description, capacity, status ('draft'
 * or 'published'), room_id, zone_id (null: none), setup_minutes, clearup_minutes,
 * starts_time and ends_time (local 'HH:MM': each occurrence keeps its day),
 * registration_closes_minutes (null: the setting). Registrations stay with their occurrence.
 * Returns how many occurrences changed.
 */
create or replace function public.update_event_series_from(p_event_id uuid, p_changes jsonb)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
  e public.events;
  o public.events;
  v_key text;
  v_n integer := 0;
  v_day date;
  v_starts timestamptz;
  v_ends timestamptz;
  v_closes integer;
begin
  if not coalesce(private.is_team(), false) and coalesce(auth.role(), '') in ('anon', 'authenticated') then
    perform private.refuse('event.team_only');
  end if;
  select * into e from public.events where id = p_event_id;
  if not found then
    perform private.refuse('event.not_found');
  end if;
  if e.series_id is null then
    perform private.refuse('event.not_in_series');
  end if;
  if p_changes is null or jsonb_typeof(p_changes) <> 'object' then
    perform private.refuse('event.series_change_unknown');
  end if;
  for v_key in select jsonb_object_keys(p_changes) loop
    if v_key not in ('title', 'kind', 'description', 'capacity', 'status', 'room_id', 'zone_id', 'setup_minutes',
                     'clearup_minutes', 'starts_time', 'ends_time', 'registration_closes_minutes') then
      perform private.refuse('event.series_change_unknown');
    end if;
  end loop;
  if p_changes->>'status' is not null and p_changes->>'status' not in ('draft', 'published') then
    perform private.refuse('event.series_status');
  end if;
  for o in select * from public.events x
            where x.series_id = e.series_id and x.starts_at >= e.starts_at and x.status <> 'cancelled'
            order by x.starts_at for update loop
    v_day := (o.starts_at at time zone v_tz)::date;
    v_starts := case when p_changes ? 'starts_time'
                     then (v_day + (p_changes->>'starts_time')::time) at time zone v_tz else o.starts_at end;
    v_ends := case when p_changes ? 'ends_time'
                   then (v_day + (p_changes->>'ends_time')::time) at time zone v_tz
                   else v_starts + (o.ends_at - o.starts_at) end;
    v_closes := case when p_changes ? 'registration_closes_minutes'
                     then (p_changes->>'registration_closes_minutes')::integer end;
    update public.events set
      title = coalesce(btrim(p_changes->>'title'), title),
      kind = coalesce(p_changes->>'kind', kind),
      description = case when p_changes ? 'description' then nullif(btrim(p_changes->>'description'), '')
                         else description end,
      capacity = coalesce((p_changes->>'capacity')::integer, capacity),
      status = coalesce(p_changes->>'status', status),
      room_id = case when p_changes ? 'room_id' then (p_changes->>'room_id')::uuid else room_id end,
      zone_id = case when p_changes ? 'zone_id' then (p_changes->>'zone_id')::uuid else zone_id end,
      setup_minutes = coalesce((p_changes->>'setup_minutes')::integer, setup_minutes),
      clearup_minutes = coalesce((p_changes->>'clearup_minutes')::integer, clearup_minutes),
      starts_at = v_starts,
      ends_at = v_ends,
      registration_closes_at = case
        when p_changes ? 'registration_closes_minutes' then v_starts - make_interval(mins => v_closes)
        when registration_closes_at is not null then registration_closes_at + (v_starts - o.starts_at)
        else null end
     where id = o.id;
    v_n := v_n + 1;
  end loop;
  if p_changes ? 'title' then
    update public.event_series set title = btrim(p_changes->>'title') where id = e.series_id;
  end if;
  return v_n;
end
$$;
revoke all on function public.update_event_series_from(uuid, jsonb) from public, anon;
grant execute on function public.update_event_series_from(uuid, jsonb) to authenticated, service_role;

/**
 * Cancel this occurrence and all the following ones of its series that have not ended (the
 * team); their registrations are cancelled and told, as cancel_event does. The series' rule
 * then ends the day before. Returns how many occurrences were cancelled.
 */
create or replace function public.cancel_event_series_from(p_event_id uuid)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  n integer;
begin
  if not coalesce(private.is_team(), false) and coalesce(auth.role(), '') in ('anon', 'authenticated') then
    perform private.refuse('event.team_only');
  end if;
  select * into e from public.events where id = p_event_id;
  if not found then
    perform private.refuse('event.not_found');
  end if;
  if e.series_id is null then
    perform private.refuse('event.not_in_series');
  end if;
  update public.events set status = 'cancelled'
   where series_id = e.series_id and starts_at >= e.starts_at and status <> 'cancelled' and ends_at > now();
  get diagnostics n = row_count;
  update public.event_series
     set until_day = ((e.starts_at at time zone (select s.time_zone from public.settings s))::date - 1),
         occurrences = null
   where id = e.series_id;
  return n;
end
$$;
revoke all on function public.cancel_event_series_from(uuid) from public, anon;
grant execute on function public.cancel_event_series_from(uuid) to authenticated, service_role;
