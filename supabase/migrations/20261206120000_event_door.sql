/**
 * The event door (issue #14): walk-ins, presence ticked from before the start, the door's list
 * and counts, and event no-shows for the dashboard.
 *
 * The door's window, defined once (private.door_opens / private.door_closes): presence is ticked
 * and walk-ins are added from 2 hours before an event's start (people arrive early, the team
 * sets up) until 7 days after its end (the team types in the paper list of a busy evening the
 * following days). Before, presence could be ticked from the start only, and forever after.
 *
 * A walk-in is a registration with source 'walk_in', created already attended by the team at
 * the door: a member when the e-mail typed is an active member's, else a guest (a name, the
 * e-mail optional). Capacity, defined: a walk-in takes a place (they are in the room, and the
 * places count as before: status registered or attended) but is never refused for lack of one —
 * the team at the door decides who comes in; a registration (app, link, team) gets a place only
 * while places taken < capacity, otherwise the waiting list, as before. Walk-ins therefore may
 * take an event over its capacity; registrations never do. Both lock the event row first, so the
 * count a registration reads stays true until it commits (tests/events/test_walk_in_race.py).
 *
 * Event no-show, defined: on a published event that has ended and where the team took
 * attendance (at least one person marked present; an event nobody ticked tells nothing), a
 * registration that held a place (status registered: never ticked) and was not a walk-in.
 * Rate = no-shows ÷ (no-shows + registered people who came). Walk-ins are in neither.
 */

-- ------------------------------------------------------------------------------ walk-ins in the table

alter table public.registrations drop constraint registrations_source_check;
alter table public.registrations add constraint registrations_source_check
  check (source in ('app', 'link', 'admin', 'walk_in'));

-- a walk-in may give a name only (no e-mail): nobody will write to them
alter table public.registrations drop constraint registrations_who;
alter table public.registrations add constraint registrations_who
  check (member_id is not null or (guest_name is not null and (guest_email is not null or source = 'walk_in')));

-- the door counts and searches one event's people: registrations_event_idx serves both

-- ------------------------------------------------------------------------------ the door's window

/** How long before an event's start the door opens (presence, walk-ins). */
create or replace function private.door_opens() returns interval
language sql immutable set search_path = '' as $$ select interval '2 hours' $$;
revoke all on function private.door_opens() from public;

/** How long after an event's end presence may still be ticked and walk-ins added. */
create or replace function private.door_closes() returns interval
language sql immutable set search_path = '' as $$ select interval '7 days' $$;
revoke all on function private.door_closes() from public;

/** The window for pages (what the database will accept), in minutes: opens before the start,
 * closes after the end. */
create or replace function public.event_door_window(out opens_before_minutes integer, out closes_after_minutes integer)
language sql immutable security definer set search_path = ''
as $$
  select (extract(epoch from private.door_opens()) / 60)::integer,
         (extract(epoch from private.door_closes()) / 60)::integer
$$;
revoke all on function public.event_door_window() from public, anon;
grant execute on function public.event_door_window() to authenticated, service_role;

/** Refuses unless now is inside the event's door window. */
create or replace function private.check_door_open(e public.events) returns void
language plpgsql stable set search_path = ''
as $$
begin
  if e.starts_at - private.door_opens() > now() then
    perform private.refuse('event.attend_too_early');
  end if;
  if e.ends_at + private.door_closes() < now() then
    perform private.refuse('event.attend_closed');
  end if;
end
$$;
revoke all on function private.check_door_open(public.events) from public;

-- ------------------------------------------------------------------------------ presence

/**
 * The team checks someone off as present (or, p_attended false, undoes it), inside the door's
 * window (replaced: it opened at the start and never closed). Undoing a walk-in removes it (it
 * was never a registration: kept as cancelled, 'team'), so an undo never leaves a walk-in
 * holding a place over capacity as if registered.
 */
create or replace function public.mark_attended(p_registration_id uuid, p_attended boolean default true)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  reg public.registrations;
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  select ev.* into e from public.events ev join public.registrations x on x.event_id = ev.id
   where x.id = p_registration_id for update of ev;
  if not found then
    perform private.refuse('event.registration_not_found');
  end if;
  select * into reg from public.registrations where id = p_registration_id for update;
  if e.status = 'cancelled' then
    perform private.refuse('event.cancelled');
  end if;
  perform private.check_door_open(e);
  if reg.status = 'cancelled' then
    perform private.refuse('event.attend_cancelled');
  end if;
  if p_attended then
    if reg.status = 'attended' then
      perform private.refuse('event.already_attended');
    end if;
    -- someone from the waitlist who came anyway (a place freed at the door) is checked off too
    update public.registrations set status = 'attended', attended_at = now() where id = reg.id returning * into reg;
  else
    if reg.status <> 'attended' then
      perform private.refuse('event.not_attended');
    end if;
    if reg.source = 'walk_in' then
      update public.registrations set status = 'cancelled', attended_at = null, cancelled_at = now(),
                                      cancel_reason = 'team'
       where id = reg.id returning * into reg;
    else
      update public.registrations set status = 'registered', attended_at = null where id = reg.id returning * into reg;
    end if;
  end if;
  return reg;
end
$$;
revoke all on function public.mark_attended(uuid, boolean) from public, anon;
grant execute on function public.mark_attended(uuid, boolean) to authenticated, service_role;

-- ------------------------------------------------------------------------------ walk-ins

/**
 * The team adds someone at the door: a registration marked attended, even when the event is full
 * (see the header), inside the door's window. An e-mail of an active member links the member;
 * someone already registered or waiting (member or guest, by that e-mail) is marked present
 * instead of registered twice. Returns the registration.
 */
create or replace function public.register_walk_in(p_event_id uuid, p_email text, p_full_name text)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  v_email text := nullif(lower(btrim(coalesce(p_email, ''))), '');
  v_name text := btrim(coalesce(p_full_name, ''));
  v_member uuid;
  reg public.registrations;
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  if length(v_name) not between 1 and 200 then
    perform private.refuse('event.walk_in_name');
  end if;
  if v_email is not null and (v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(v_email) > 254) then
    perform private.refuse('event.walk_in_email');
  end if;
  -- the lock every registration takes before counting places (private.register)
  select * into e from public.events where id = p_event_id for update;
  if not found or e.status = 'draft' then
    perform private.refuse('event.not_found');
  end if;
  if e.status = 'cancelled' then
    perform private.refuse('event.cancelled');
  end if;
  perform private.check_door_open(e);
  if v_email is not null then
    select m.id into v_member from public.members m
     where m.email operator(extensions.=) v_email::extensions.citext and m.active;
  end if;
  select * into reg from public.registrations x
   where x.event_id = e.id and x.status <> 'cancelled' and v_email is not null
     and ((v_member is not null and x.member_id = v_member)
          or (v_member is null and x.member_id is null and x.guest_email = v_email))
   for update;
  if found then
    if reg.status = 'attended' then
      perform private.refuse('event.already_attended');
    end if;
    update public.registrations set status = 'attended', attended_at = now() where id = reg.id returning * into reg;
    return reg;
  end if;
  insert into public.registrations (event_id, member_id, guest_name, guest_email, status, source, registered_by,
                                    created_at, attended_at)
  values (e.id, v_member, case when v_member is null then v_name end,
          case when v_member is null then v_email end, 'attended', 'walk_in', auth.uid(), clock_timestamp(), now())
  returning * into reg;
  return reg;
end
$$;
revoke all on function public.register_walk_in(uuid, text, text) from public, anon;
grant execute on function public.register_walk_in(uuid, text, text) to authenticated, service_role;

-- ------------------------------------------------------------------------------ the door's reads

/**
 * The events of one local day for the door (the team): published, with their counts and whether
 * the door is open now. Counts: registered = places taken by registrations (walk-ins apart),
 * present = marked attended (walk-ins included), walk_ins, waiting.
 */
create or replace function public.door_events(p_day date)
returns table (event_id uuid, title text, starts_at timestamptz, ends_at timestamptz, room_name text,
               capacity integer, registered integer, present integer, walk_ins integer, waiting integer,
               door_open boolean)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  return query
    select e.id, e.title, e.starts_at, e.ends_at, r.name, e.capacity, c.registered::integer, c.present::integer,
           c.walk_ins::integer, c.waiting::integer,
           now() between e.starts_at - private.door_opens() and e.ends_at + private.door_closes()
      from public.events e
      left join public.resources r on r.id = e.room_id
      cross join lateral private.door_counts(e.id) c
     where e.status = 'published'
       and e.starts_at >= (p_day::timestamp at time zone v_tz)
       and e.starts_at < ((p_day + 1)::timestamp at time zone v_tz)
     order by e.starts_at
     limit 50;
end
$$;

/** One event's door counts (see door_events). */
create or replace function private.door_counts(p_event_id uuid)
returns table (registered bigint, present bigint, walk_ins bigint, waiting bigint)
language sql stable security definer set search_path = ''
as $$
  select count(*) filter (where x.status in ('registered', 'attended') and x.source <> 'walk_in'),
         count(*) filter (where x.status = 'attended'),
         count(*) filter (where x.status = 'attended' and x.source = 'walk_in'),
         count(*) filter (where x.status = 'waitlisted')
    from public.registrations x where x.event_id = p_event_id
$$;
revoke all on function private.door_counts(uuid) from public;
revoke all on function public.door_events(date) from public, anon;
grant execute on function public.door_events(date) to authenticated, service_role;

/** One event's counts for the door, with its capacity (the team). */
create or replace function public.door_event_counts(p_event_id uuid)
returns table (capacity integer, registered integer, present integer, walk_ins integer, waiting integer)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  return query
    select e.capacity, c.registered::integer, c.present::integer, c.walk_ins::integer, c.waiting::integer
      from public.events e cross join lateral private.door_counts(e.id) c
     where e.id = p_event_id;
end
$$;
revoke all on function public.door_event_counts(uuid) from public, anon;
grant execute on function public.door_event_counts(uuid) to authenticated, service_role;

/**
 * The door's list (the team): an event's live registrations whose name or e-mail contains the
 * search (accents and case ignored), waiting list last, then by name; p_limit rows at most, so a
 * keystroke reads a screenful, never the whole list.
 */
create or replace function public.door_people(p_event_id uuid, p_search text default null, p_limit integer default 40)
returns table (registration_id uuid, who text, email text, status text, walk_in boolean, guest boolean)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_search text := nullif(btrim(coalesce(p_search, '')), '');
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  return query
    select x.id, coalesce(m.full_name, x.guest_name), coalesce(m.email::text, x.guest_email), x.status,
           x.source = 'walk_in', x.member_id is null
      from public.registrations x
      left join public.members m on m.id = x.member_id
     where x.event_id = p_event_id and x.status <> 'cancelled'
       and (v_search is null
            or extensions.unaccent('extensions.unaccent'::regdictionary,
                                   concat_ws(' ', m.full_name, x.guest_name, m.email::text, x.guest_email))
               ilike '%' || extensions.unaccent('extensions.unaccent'::regdictionary,
                                                replace(replace(replace(v_search, '\', '\\'), '%', '\%'), '_', '\_'))
                     || '%')
     order by x.status = 'waitlisted', lower(coalesce(m.full_name, x.guest_name)), x.id
     limit least(greatest(coalesce(p_limit, 40), 1), 200);
end
$$;
revoke all on function public.door_people(uuid, text, integer) from public, anon;
grant execute on function public.door_people(uuid, text, integer) to authenticated, service_role;

-- ------------------------------------------------------------------------------ event no-shows

/**
 * Event no-shows (defined in the header) over events starting in [p_from, p_to] (local days):
 * one row per event where attendance was taken (month = the event's local month), and one total
 * row per month and for the whole period (event_id null; month null for the period). Board
 * accounts read no title, counts of people under 5 as null and no rate over fewer than 5.
 */
create or replace function public.event_no_shows(p_from date, p_to date)
returns table (month date, event_id uuid, title text, starts_at timestamptz, events integer,
               expected bigint, came bigint, no_shows bigint, no_show_rate numeric)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
  v_k boolean;
begin
  perform private.occupancy_guard();
  perform private.occupancy_range_check(p_from, p_to);
  v_k := private.k_applies();
  return query
    with per_event as (
      select e.id, e.title, e.starts_at, date_trunc('month', e.starts_at at time zone v_tz)::date as m,
             count(*) filter (where x.status = 'attended' and x.source <> 'walk_in') as came,
             count(*) filter (where x.status = 'registered' and x.source <> 'walk_in') as missed
        from public.events e
        join public.registrations x on x.event_id = e.id
       where e.status = 'published' and e.ends_at <= now()
         and e.starts_at >= (p_from::timestamp at time zone v_tz)
         and e.starts_at < ((p_to + 1)::timestamp at time zone v_tz)
       group by e.id
      having count(*) filter (where x.status = 'attended') > 0),
    grouped as (
      select pe.m, pe.id, min(pe.title) as title, min(pe.starts_at) as starts_at, count(*) as n_events,
             sum(pe.came + pe.missed) as expected, sum(pe.came) as came, sum(pe.missed) as missed,
             grouping(pe.m) as g_month, grouping(pe.id) as g_event
        from per_event pe
       group by grouping sets ((pe.m, pe.id), (pe.m), ()))
    select g.m, g.id, case when v_k then null else g.title end, g.starts_at, g.n_events::integer,
           private.k_count(g.expected::bigint, v_k), private.k_count(g.came::bigint, v_k),
           private.k_count(g.missed::bigint, v_k),
           private.k_rate(case when g.expected > 0 then round(g.missed / g.expected, 4) end, g.expected::bigint, v_k)
      from grouped g
     order by g.g_month, g.m, g.g_event desc, g.starts_at;
end
$$;
revoke all on function public.event_no_shows(date, date) from public, anon;
grant execute on function public.event_no_shows(date, date) to authenticated, service_role;
