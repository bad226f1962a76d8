/**
 * The board's year (issue #15): one no-show, resources retired mid-year keeping their history,
 * the annual report's figures, k-anonymity for board accounts, and the board link (read-only
 * dashboards without an account, for anon through link_board_* only).
 *
 * The no-show, defined once (private.booking_outcomes): a booking that was due (a confirmed
 * booking that has started, or one the space released because nobody came) and that nobody
 * checked in, and that either the team marked as a no-show or the release of unclaimed desks
 * freed. A booking merely "not checked in by the end of its slot" is NOT a no-show: checking in
 * is optional (many days nobody at the desk checks people in), so the absence of a check-in is
 * no evidence; a mark by the team or the release rule is. Released bookings used to become
 * "cancelled" and leave the rate; they now stay in both its numerator and its denominator.
 *
 * k-anonymity: a count of people under 5 is shown as "fewer than 5" (null here), a rate over
 * fewer than 5 people is not shown (null), never a name. Applied in SQL to board accounts on
 * the dashboards and to every link_board_* answer; admins and staff see exact figures.
 */

-- ------------------------------------------------------------------------------ retired resources

/** The local day a resource stopped being offered: it counts in open hours before that day only,
 * and its bookings stay in the history (they used to vanish from every dashboard with it). */
alter table public.resources add column retired_on date;

-- resources retired before this migration: the day after their last booking (what we know)
update public.resources r
   set retired_on = coalesce((select max(b.day) + 1 from public.bookings b
                               where b.resource_id = r.id and b.status <> 'cancelled'), r.created_at::date)
 where not r.active;

create or replace function private.resources_retired_on() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.active then
    new.retired_on := null;
  elsif new.retired_on is null then
    new.retired_on := (now() at time zone (select s.time_zone from public.settings s))::date;
  end if;
  return new;
end
$$;
revoke all on function private.resources_retired_on() from public;
create trigger resources_retired_on before insert or update of active on public.resources
  for each row execute function private.resources_retired_on();

-- released bookings are cancelled rows that still count as due: read them by day like the others
create index bookings_released_day_idx on public.bookings (day, resource_id)
  where status = 'cancelled' and cancel_reason = 'released';

-- ------------------------------------------------------------------------------ the no-show

/**
 * THE definition of a no-show, used by every figure (dashboards, report, board link). One row per
 * booking of the local days p_from..p_to (p_from null: since the beginning) that is not cancelled,
 * or was released unclaimed, with:
 *   due      — it has started and was confirmed, or was released (the space expected someone);
 *   no_show  — due, nobody checked in, and the team marked it or the release freed it;
 *   came     — due and not a no-show.
 */
create or replace function private.booking_outcomes(p_from date, p_to date)
returns table (id uuid, resource_id uuid, member_id uuid, guest_email text, day date, during tstzrange,
               units numeric, status text, due boolean, no_show boolean, came boolean)
language sql stable security definer set search_path = ''
as $$
  with b as (
    select b.id, b.resource_id, b.member_id, b.guest_email, b.day, b.during, b.units, b.status,
           b.checked_in_at, b.no_show_at, lower(b.during) <= now() as started
      from public.bookings b
     where b.status <> 'cancelled' and b.day between coalesce(p_from, '-infinity'::date) and p_to
    union all
    select b.id, b.resource_id, b.member_id, b.guest_email, b.day, b.during, b.units, b.status,
           b.checked_in_at, b.no_show_at, true
      from public.bookings b
     where b.status = 'cancelled' and b.cancel_reason = 'released'
       and b.day between coalesce(p_from, '-infinity'::date) and p_to),
  o as (
    select b.*, b.started and b.status in ('confirmed', 'cancelled') as is_due,
           b.checked_in_at is null and (b.status = 'cancelled' or b.no_show_at is not null) as missed
      from b)
  select o.id, o.resource_id, o.member_id, o.guest_email, o.day, o.during, o.units, o.status,
         o.is_due, o.is_due and o.missed, o.is_due and not o.missed
    from o
$$;
revoke all on function private.booking_outcomes(date, date) from public;

-- ------------------------------------------------------------------------------ k-anonymity

/** A count of people as the viewer may see it: under 5 (and not 0) is null, "fewer than 5". */
create or replace function private.k_count(p_n bigint, p_k boolean) returns bigint
language sql immutable set search_path = ''
as $$ select case when p_k and p_n between 1 and 4 then null else p_n end $$;
revoke all on function private.k_count(bigint, boolean) from public;

/** A rate as the viewer may see it: not shown (null) when it is over fewer than 5 people. */
create or replace function private.k_rate(p_rate numeric, p_people bigint, p_k boolean) returns numeric
language sql immutable set search_path = ''
as $$ select case when p_k and coalesce(p_people, 0) < 5 then null else p_rate end $$;
revoke all on function private.k_rate(numeric, bigint, boolean) from public;

/** Board accounts see dashboards under k-anonymity (admins and staff run the space: exact). */
create or replace function private.k_applies() returns boolean
language sql stable security definer set search_path = ''
as $$ select coalesce(private.current_role() = 'board', false) $$;
revoke all on function private.k_applies() from public;

-- ------------------------------------------------------------------------------ the facts, again

/**
 * As in 20261204140000_occupancy.sql, with two changes: resources retired in or after the period
 * count (open until their retired_on, their bookings kept), and `started`/`no_shows` are
 * private.booking_outcomes' due and no_show (released bookings count).
 */
create or replace function private.occupancy_facts(p_from date, p_to date, p_zone_id uuid, p_kind text)
returns table (day date, zone_id uuid, open_hours numeric, am_open numeric, pm_open numeric,
               booked_hours numeric, am_hours numeric, pm_hours numeric, units numeric,
               bookings bigint, started bigint, no_shows bigint)
language plpgsql stable security definer set search_path = ''
as $fn$
#variable_conflict use_column
begin
  perform private.occupancy_range_check(p_from, p_to);
  return query

  with s as (
    select st.time_zone, st.open_days, st.opens_at, st.midday_at, st.closes_at,
           extract(epoch from st.closes_at - st.opens_at) / 3600.0 as day_len,
           extract(epoch from st.midday_at - st.opens_at) / 3600.0 as am_len,
           extract(epoch from st.closes_at - st.midday_at) / 3600.0 as pm_len
      from public.settings st),
  res as (
    select r.id, r.zone_id, r.retired_on from public.resources r
     where (r.active or r.retired_on > p_from) and r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id)),
  zone_res as (select res.zone_id, count(*) as n from res group by res.zone_id),
  days as (
    select g::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g),
  -- retired resources are few: expand only their days after retiring
  retired_res as (
    select g::date as day, res.zone_id, count(*) as n
      from res, generate_series(greatest(res.retired_on, p_from)::timestamp, p_to::timestamp, interval '1 day') g
     where res.retired_on is not null and res.retired_on <= p_to
     group by 1, 2),
  closed_day as (
    select distinct g::date as day
      from public.closures c,
           generate_series(greatest(c.starts_on, p_from)::timestamp, least(c.ends_on, p_to)::timestamp,
                           interval '1 day') g
     where c.resource_id is null and c.starts_on <= p_to and c.ends_on >= p_from),
  closed_res as (
    select g::date as day, res.zone_id, count(distinct res.id) as n
      from public.closures c join res on res.id = c.resource_id,
           generate_series(greatest(c.starts_on, p_from)::timestamp, least(c.ends_on, p_to)::timestamp,
                           interval '1 day') g
     where c.starts_on <= p_to and c.ends_on >= p_from
       and (res.retired_on is null or g::date < res.retired_on)  -- not subtracted twice
     group by 1, 2),
  open_res as (
    select d.day, z.zone_id,
           case when extract(isodow from d.day)::smallint = any (s.open_days)
                     and not exists (select 1 from closed_day cd where cd.day = d.day)
                then z.n - coalesce(cr.n, 0) - coalesce(rr.n, 0) else 0 end as n
      from days d cross join zone_res z cross join s
      left join closed_res cr on cr.day = d.day and cr.zone_id = z.zone_id
      left join retired_res rr on rr.day = d.day and rr.zone_id = z.zone_id),
  bounds as (
    select d.day, (d.day + s.opens_at) at time zone s.time_zone as t0,
           (d.day + s.midday_at) at time zone s.time_zone as t1,
           (d.day + s.closes_at) at time zone s.time_zone as t2
      from days d cross join s),
  bk as (
    select b.day, res.zone_id,
           sum(date_part('epoch', upper(b.during) - lower(b.during))) filter (where b.status <> 'cancelled')
             / 3600.0 as hours,
           sum(greatest(0, date_part('epoch', least(upper(b.during), x.t1) - greatest(lower(b.during), x.t0))))
             filter (where b.status <> 'cancelled') / 3600.0 as am_hours,
           sum(greatest(0, date_part('epoch', least(upper(b.during), x.t2) - greatest(lower(b.during), x.t1))))
             filter (where b.status <> 'cancelled') / 3600.0 as pm_hours,
           sum(b.units) filter (where b.status <> 'cancelled') as units,
           count(*) filter (where b.status <> 'cancelled') as bookings,
           count(*) filter (where b.due) as started,
           count(*) filter (where b.no_show) as no_shows
      from private.booking_outcomes(p_from, p_to) b join res on res.id = b.resource_id
      join bounds x on x.day = b.day
     group by b.day, res.zone_id)
  select o.day, o.zone_id,
         (o.n * s.day_len)::numeric, (o.n * s.am_len)::numeric, (o.n * s.pm_len)::numeric,
         round(coalesce(bk.hours, 0)::numeric, 4), round(coalesce(bk.am_hours, 0)::numeric, 4),
         round(coalesce(bk.pm_hours, 0)::numeric, 4),
         coalesce(bk.units, 0)::numeric, coalesce(bk.bookings, 0), coalesce(bk.started, 0),
         coalesce(bk.no_shows, 0)
    from open_res o cross join s
    left join bk on bk.day = o.day and bk.zone_id = o.zone_id;
end
$fn$;
revoke all on function private.occupancy_facts(date, date, uuid, text) from public;

-- ------------------------------------------------------------------------------ the dashboards, under k

/** Per local day; for board accounts the day's counts of bookings and no-shows under 5 are hidden. */
create or replace function public.occupancy_days(p_from date, p_to date, p_zone_id uuid default null,
                                                 p_kind text default 'desk')
returns table (day date, open_hours numeric, booked_hours numeric, occupancy numeric, units numeric,
               bookings bigint, no_shows bigint)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_k boolean;
begin
  perform private.occupancy_guard();
  v_k := private.k_applies();
  return query
    select f.day, round(sum(f.open_hours), 2), round(sum(f.booked_hours), 2),
           case when sum(f.open_hours) > 0 then round(sum(f.booked_hours) / sum(f.open_hours), 4) else 0 end,
           sum(f.units), private.k_count(sum(f.bookings)::bigint, v_k), private.k_count(sum(f.no_shows)::bigint, v_k)
      from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
     group by f.day
     order by f.day;
end
$$;

/**
 * The period's headline figures (see the occupancy migration); the no-show rate is
 * booking_outcomes' no-shows ÷ due bookings, members who came are booking_outcomes' `came`.
 * Board accounts: members_came under 5 is null, the no-show rate over fewer than 5 people too.
 */
create or replace function public.occupancy_summary(p_from date, p_to date, p_zone_id uuid default null,
                                                    p_kind text default 'desk')
returns table (open_days integer, open_hours numeric, booked_hours numeric, occupancy numeric,
               peak_day date, peak_occupancy numeric, units numeric, bookings bigint, started bigint,
               no_shows bigint, no_show_rate numeric, members_came integer, history_from date)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_k boolean;
begin
  perform private.occupancy_guard();
  v_k := private.k_applies();
  return query
    with per_day as (
      select f.day, sum(f.open_hours) as oh, sum(f.booked_hours) as bh, sum(f.units) as u,
             sum(f.bookings) as nb, sum(f.started) as st, sum(f.no_shows) as ns
        from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
       group by f.day),
    peak as (
      select d.day, d.bh / d.oh as occ from per_day d where d.oh > 0
       order by d.bh / d.oh desc, d.day limit 1),
    people as (
      select count(distinct o.member_id) filter (where o.came) as came,
             count(distinct coalesce(o.member_id::text, o.guest_email)) filter (where o.due) as due_people
        from private.booking_outcomes(p_from, p_to) o join public.resources r on r.id = o.resource_id
       where r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id))
    select (count(*) filter (where d.oh > 0))::integer,
           round(coalesce(sum(d.oh), 0), 2), round(coalesce(sum(d.bh), 0), 2),
           case when sum(d.oh) > 0 then round(sum(d.bh) / sum(d.oh), 4) else 0 end,
           (select peak.day from peak), round((select peak.occ from peak), 4),
           coalesce(sum(d.u), 0), private.k_count(coalesce(sum(d.nb), 0)::bigint, v_k),
           private.k_count(coalesce(sum(d.st), 0)::bigint, v_k),
           private.k_count(coalesce(sum(d.ns), 0)::bigint, v_k),
           private.k_rate(case when sum(d.st) > 0 then round(sum(d.ns) / sum(d.st), 4) end,
                          (select people.due_people from people), v_k),
           private.k_count((select people.came from people), v_k)::integer,
           (select min(b.day) from public.bookings b where b.status <> 'cancelled')
      from per_day d;
end
$$;

/** Members per plan; board accounts see a plan's counts under 5 as null. */
create or replace function public.members_by_plan(p_from date, p_to date)
returns table (plan_id uuid, code text, name_fr text, name_en text, members integer, came integer)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_k boolean;
begin
  perform private.occupancy_guard();
  v_k := private.k_applies();
  return query
    with came as (
      select distinct o.member_id from private.booking_outcomes(p_from, p_to) o
       where o.came and o.member_id is not null)
    select p.id, p.code, p.name_fr, p.name_en, private.k_count(count(m.id), v_k)::integer,
           private.k_count(count(m.id) filter (where c.member_id is not null), v_k)::integer
      from public.members m
      left join public.plans p on p.id = m.plan_id
      left join came c on c.member_id = m.id
     where m.active and m.erased_at is null and m.role = 'member'
     group by p.id, p.code, p.name_fr, p.name_en
     order by count(m.id) desc, p.code;
end
$$;

/** Rooms by the hour: occupancy per ISO weekday and hour of the day (local), open weekdays only. */
create or replace function public.occupancy_by_hour(p_from date, p_to date, p_zone_id uuid default null,
                                                    p_kind text default 'room')
returns table (isodow smallint, hour smallint, open_hours numeric, booked_hours numeric, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    with s as (select st.time_zone, st.opens_at, st.closes_at from public.settings st),
    hours as (
      select h::smallint as hour from s,
             generate_series(extract(hour from s.opens_at)::int, ceil(extract(epoch from s.closes_at) / 3600)::int - 1) h),
    open_days as (
      select extract(isodow from f.day)::smallint as dow, f.day, sum(f.open_hours) as oh
        from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
       group by f.day),
    -- an hour's slot open for the resources open that day, clipped to opening hours
    open_slots as (
      select d.dow, h.hour,
             sum(d.oh / nullif(extract(epoch from s.closes_at - s.opens_at) / 3600.0, 0)
                 * greatest(0, extract(epoch from least(s.closes_at, make_time(h.hour, 0, 0) + interval '1 hour')
                                                 - greatest(s.opens_at, make_time(h.hour, 0, 0))) / 3600.0)
                 ) as oh
        from open_days d cross join hours h cross join s
       group by d.dow, h.hour),
    booked as (
      select extract(isodow from o.day)::smallint as dow, h.hour,
             sum(greatest(0, date_part('epoch',
                 least(upper(o.during), ((o.day + make_time(h.hour, 0, 0)) at time zone s.time_zone) + interval '1 hour')
                 - greatest(lower(o.during), (o.day + make_time(h.hour, 0, 0)) at time zone s.time_zone)))) / 3600.0 as bh
        from private.booking_outcomes(p_from, p_to) o
        join public.resources r on r.id = o.resource_id
        cross join s cross join hours h
       where o.status <> 'cancelled' and r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id)
       group by 1, 2)
    select os.dow, os.hour, round(os.oh::numeric, 2), round(coalesce(b.bh, 0)::numeric, 2),
           case when os.oh > 0 then round((coalesce(b.bh, 0) / os.oh)::numeric, 4) else 0 end
      from open_slots os left join booked b on b.dow = os.dow and b.hour = os.hour
     where os.oh > 0
     order by 1, 2;
end
$$;
revoke all on function public.occupancy_by_hour(date, date, uuid, text) from public, anon;
grant execute on function public.occupancy_by_hour(date, date, uuid, text) to authenticated, service_role;

/** Event statistics: as in the events migration, but board accounts read no title (names nowhere)
 * and an event's counts of people under 5 are null for them. */
create or replace function public.event_stats(p_from date, p_to date)
returns table (event_id uuid, title text, kind text, starts_at timestamptz, room_name text, capacity integer,
               registrations integer, attended integer, waitlisted integer, waitlisted_ever integer,
               promoted integer, cancelled integer, fill_rate numeric, attendance_rate numeric)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
  v_k boolean;
begin
  if not (auth.uid() is null and coalesce(auth.role(), '') not in ('anon', 'authenticated'))
     and not coalesce(private.current_role() in ('admin', 'staff', 'board'), false) then
    perform private.refuse('event.stats_forbidden');
  end if;
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 3 * 366 then
    perform private.refuse('event.stats_period');
  end if;
  v_k := private.k_applies();
  return query
    select e.id, case when v_k then null else e.title end, e.kind, e.starts_at, r.name, e.capacity,
           private.k_count(c.taken, v_k)::integer, private.k_count(c.came, v_k)::integer,
           private.k_count(c.waiting, v_k)::integer, private.k_count(c.queued, v_k)::integer,
           private.k_count(c.promoted, v_k)::integer, private.k_count(c.gone, v_k)::integer,
           private.k_rate(round(c.taken::numeric / e.capacity, 4), c.taken, v_k),
           private.k_rate(case when e.starts_at <= now() and c.taken > 0 then round(c.came::numeric / c.taken, 4) end,
                          c.taken, v_k)
      from public.events e
      left join public.resources r on r.id = e.room_id
      cross join lateral (
        select count(*) filter (where x.status in ('registered', 'attended')) as taken,
               count(*) filter (where x.status = 'attended') as came,
               count(*) filter (where x.status = 'waitlisted') as waiting,
               count(*) filter (where x.waitlisted_at is not null) as queued,
               count(*) filter (where x.promoted_at is not null) as promoted,
               count(*) filter (where x.status = 'cancelled') as gone
          from public.registrations x where x.event_id = e.id) c
     where e.status = 'published'
       and e.starts_at >= (p_from::timestamp at time zone v_tz)
       and e.starts_at < ((p_to + 1)::timestamp at time zone v_tz)
     order by e.starts_at;
end
$$;

-- ------------------------------------------------------------------------------ the annual report

/**
 * One period's figures (jsonb). Desks: from occupancy_facts, as the dashboard (desk_days: a half
 * day 0.5, cancelled excluded). People: booking_outcomes' `came`, any resource; new = came in the
 * period and never before; regular = came on at least 2 days a month on average; occasional =
 * the others. Guest passes: guests' (email, day) desk bookings not cancelled. Events: published,
 * started in the period; attendees = registrations marked attended; attendance = attendees ÷
 * places taken. p_k: counts of people under 5 null, rates over fewer than 5 people null.
 */
create or replace function private.report_figures(p_from date, p_to date, p_k boolean) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
  v_regular integer := ceil((p_to - p_from + 1) * 24 / 365.0);
  d record;
  p record;
  e record;
begin
  select coalesce(sum(f.open_hours), 0) as oh, coalesce(sum(f.booked_hours), 0) as bh,
         coalesce(sum(f.units), 0) as units, coalesce(sum(f.started), 0)::bigint as due,
         coalesce(sum(f.no_shows), 0)::bigint as ns
    into d from private.occupancy_facts(p_from, p_to, null, 'desk') f;
  with o as (select * from private.booking_outcomes(p_from, p_to)),
  came as (select o.member_id, count(distinct o.day) as days from o
            where o.came and o.member_id is not null group by o.member_id),
  earlier as (select distinct o.member_id from private.booking_outcomes(null, p_from - 1) o
               where o.came and o.member_id is not null)
  select (select count(*) from came) as came,
         (select count(*) from came where came.member_id not in (select earlier.member_id from earlier)) as new,
         (select count(*) from came where came.days >= v_regular) as regular,
         (select count(*) from came where came.days < v_regular) as occasional,
         (select count(distinct (lower(o.guest_email), o.day)) from o join public.resources r on r.id = o.resource_id
           where o.member_id is null and o.status <> 'cancelled' and r.kind = 'desk') as guests,
         (select count(distinct coalesce(o.member_id::text, o.guest_email)) from o
            join public.resources r on r.id = o.resource_id where o.due and r.kind = 'desk') as due_people
    into p;
  select count(distinct ev.id) as held, coalesce(sum(x.came), 0)::bigint as came, coalesce(sum(x.taken), 0)::bigint as taken
    into e
    from public.events ev
    cross join lateral (
      select count(*) filter (where r.status = 'attended') as came,
             count(*) filter (where r.status in ('registered', 'attended')) as taken
        from public.registrations r where r.event_id = ev.id) x
   where ev.status = 'published' and ev.starts_at <= now()
     and ev.starts_at >= (p_from::timestamp at time zone v_tz)
     and ev.starts_at < ((p_to + 1)::timestamp at time zone v_tz);
  return jsonb_build_object(
    'from', p_from, 'to', p_to,
    'desk_days', d.units,
    'open_hours', round(d.oh, 2), 'booked_hours', round(d.bh, 2),
    'occupancy', case when d.oh > 0 then round(d.bh / d.oh, 4) end,
    'bookings_due', private.k_count(d.due, p_k), 'no_shows', private.k_count(d.ns, p_k),
    'no_show_rate', private.k_rate(case when d.due > 0 then round(d.ns::numeric / d.due, 4) end, p.due_people, p_k),
    'members_who_came', private.k_count(p.came, p_k),
    'new_members', private.k_count(p.new, p_k),
    'regular_members', private.k_count(p.regular, p_k),
    'occasional_members', private.k_count(p.occasional, p_k),
    'regular_days', v_regular,
    'guest_passes', private.k_count(p.guests, p_k),
    'events_held', e.held,
    'attendees', private.k_count(e.came, p_k),
    'places_taken', private.k_count(e.taken, p_k),
    'attendance_rate', private.k_rate(case when e.taken > 0 then round(e.came::numeric / e.taken, 4) end,
                                      e.taken, p_k));
end
$$;
revoke all on function private.report_figures(date, date, boolean) from public;

/** The whole report for a year: its figures and the year before's, desk occupancy per month
 * (busiest and quietest among open months), the ten most offered skills and the members' trades
 * (groups under 5 people left out under k; trades are job titles as typed, grouped case-blind). */
create or replace function private.report_json(p_year integer, p_k boolean) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_from date := make_date(p_year, 1, 1);
  v_to date := make_date(p_year, 12, 31);
  v_months jsonb;
begin
  if p_year is null or p_year < 2000 or p_year > 2200 then
    perform private.refuse('report.bad_year');
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'month', to_char(m.month, 'YYYY-MM'), 'open_hours', round(m.oh, 2), 'booked_hours', round(m.bh, 2),
           'desk_days', m.units, 'occupancy', case when m.oh > 0 then round(m.bh / m.oh, 4) end) order by m.month), '[]')
    into v_months
    from (select date_trunc('month', f.day)::date as month, sum(f.open_hours) as oh, sum(f.booked_hours) as bh,
                 sum(f.units) as units
            from private.occupancy_facts(v_from, v_to, null, 'desk') f group by 1) m;
  return jsonb_build_object(
    'year', p_year, 'k', case when p_k then 5 end,
    'current', private.report_figures(v_from, v_to, p_k),
    'previous', private.report_figures(make_date(p_year - 1, 1, 1), make_date(p_year - 1, 12, 31), p_k),
    'months', v_months,
    'busiest_month', (select x ->> 'month' from jsonb_array_elements(v_months) x
                       where (x ->> 'occupancy') is not null
                       order by (x ->> 'occupancy')::numeric desc, x ->> 'month' limit 1),
    'quietest_month', (select x ->> 'month' from jsonb_array_elements(v_months) x
                        where (x ->> 'occupancy') is not null
                        order by (x ->> 'occupancy')::numeric, x ->> 'month' limit 1),
    'skills', (select coalesce(jsonb_agg(jsonb_build_object('skill', s.name, 'members', s.n) order by s.n desc, s.name), '[]')
                 from (select sk.name, count(distinct ms.member_id) as n
                         from public.member_skills ms join public.skills sk on sk.id = ms.skill_id
                         join public.members m on m.id = ms.member_id
                        where m.active and m.erased_at is null
                        group by sk.name
                       having not p_k or count(distinct ms.member_id) >= 5
                        order by n desc, sk.name limit 10) s),
    'trades', (select coalesce(jsonb_agg(jsonb_build_object('trade', t.trade, 'members', t.n) order by t.n desc, t.trade), '[]')
                 from (select min(btrim(m.job_title)) as trade, count(*) as n
                         from public.members m
                        where m.active and m.erased_at is null and m.role = 'member'
                          and nullif(btrim(m.job_title), '') is not null
                        group by lower(btrim(m.job_title))
                       having not p_k or count(*) >= 5
                        order by n desc, trade limit 10) t));
end
$$;
revoke all on function private.report_json(integer, boolean) from public;

/** The annual report's figures: admins and board accounts (board under k), and the owner. */
create or replace function public.annual_report(p_year integer) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not (auth.uid() is null and coalesce(auth.role(), '') not in ('anon', 'authenticated'))
     and not coalesce(private.current_role() in ('admin', 'board'), false) then
    perform private.refuse('report.forbidden');
  end if;
  return private.report_json(p_year, private.k_applies());
end
$$;
revoke all on function public.annual_report(integer) from public, anon;
grant execute on function public.annual_report(integer) to authenticated, service_role;

/** The text the team writes for the report before printing, per year and language. */
create table public.report_texts (
  id uuid not null default gen_random_uuid() unique,
  year integer not null check (year between 2000 and 2200),
  lang text not null check (lang in ('fr', 'en')),
  body text not null default '' constraint report_texts_body_length check (length(body) <= 4000),
  updated_by uuid references public.members (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (year, lang)
);
alter table public.report_texts enable row level security;
revoke all on public.report_texts from anon;
revoke truncate, trigger, references on public.report_texts from authenticated;
create policy "The report's text is read by admins and the board" on public.report_texts
  for select to authenticated using (private.current_role() in ('admin', 'board'));
create policy "The report's text is written by admins" on public.report_texts
  for insert to authenticated with check (private.is_admin());
create policy "The report's text is changed by admins" on public.report_texts
  for update to authenticated using (private.is_admin()) with check (private.is_admin());
create trigger report_texts_audit after insert or update or delete on public.report_texts
  for each row execute function private.audit();

-- ------------------------------------------------------------------------------ the board link

/** Revocable, expiring links opening the dashboards read-only (k-anonymised) without an account.
 * Only a hash of the token is kept. */
create table public.board_links (
  id uuid primary key default gen_random_uuid(),
  label text not null constraint board_links_label_present check (length(btrim(label)) between 1 and 120),
  token_hash text not null unique,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  created_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now()
);
alter table public.board_links enable row level security;
revoke all on public.board_links from anon;
revoke insert, update, delete, truncate, trigger, references on public.board_links from authenticated;
create policy "Board links are listed by admins" on public.board_links
  for select to authenticated using (private.is_admin());
create trigger board_links_audit after insert or update or delete on public.board_links
  for each row execute function private.audit();

/** Admins: a new board link valid p_days days (1 to 366); returns its token, shown once. */
create or replace function public.create_board_link(p_label text, p_days integer default 30) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  v_token text := private.new_token();
begin
  if auth.uid() is not null and not private.is_admin() then
    perform private.refuse('board.admin_only');
  end if;
  if p_days is null or p_days not between 1 and 366 then
    perform private.refuse('board.bad_days');
  end if;
  insert into public.board_links (label, token_hash, expires_at, created_by)
  values (btrim(coalesce(p_label, '')), private.token_hash(v_token), now() + make_interval(days => p_days),
          private.current_member_id());
  return v_token;
end
$$;
revoke all on function public.create_board_link(text, integer) from public, anon;
grant execute on function public.create_board_link(text, integer) to authenticated, service_role;

/** Admins: revoke a board link (at once: its next visit is refused). */
create or replace function public.revoke_board_link(p_link_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  if auth.uid() is not null and not private.is_admin() then
    perform private.refuse('board.admin_only');
  end if;
  update public.board_links set revoked_at = coalesce(revoked_at, now()) where id = p_link_id;
  if not found then
    perform private.refuse('board.unknown');
  end if;
end
$$;
revoke all on function public.revoke_board_link(uuid) from public, anon;
grant execute on function public.revoke_board_link(uuid) to authenticated, service_role;

/** The live board link a token opens, or one refusal for unknown, revoked and expired alike
 * (a visitor learns nothing about which). */
create or replace function private.board_link_check(p_token text) returns public.board_links
language plpgsql stable security definer set search_path = ''
as $$
declare
  l public.board_links;
begin
  select * into l from public.board_links
   where token_hash = private.token_hash(p_token) and revoked_at is null and expires_at > now();
  if not found or p_token is null then
    perform private.refuse('board.link_invalid');
  end if;
  return l;
end
$$;
revoke all on function private.board_link_check(text) from public;

/** For anon: what the link is (its label, expiry, the space's name and today's local date). */
create or replace function public.link_board_open(p_token text)
returns table (label text, expires_at timestamptz, space_name text, today date)
language plpgsql stable security definer set search_path = ''
as $$
declare
  l public.board_links := private.board_link_check(p_token);
begin
  return query select l.label, l.expires_at, s.space_name, (now() at time zone s.time_zone)::date
                 from public.settings s;
end
$$;
revoke all on function public.link_board_open(text) from public;
grant execute on function public.link_board_open(text) to anon, authenticated, service_role;

/** For anon: the annual report's figures under k-anonymity. */
create or replace function public.link_board_report(p_token text, p_year integer) returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.board_link_check(p_token);
  return private.report_json(p_year, true);
end
$$;
revoke all on function public.link_board_report(text, integer) from public;
grant execute on function public.link_board_report(text, integer) to anon, authenticated, service_role;

/** For anon: desk occupancy by ISO weekday and half day over a period (hours of desks, never a
 * person: a slot is shown only when at least 5 different people booked in it). */
create or replace function public.link_board_slots(p_token text, p_from date, p_to date)
returns table (isodow smallint, half text, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.board_link_check(p_token);
  return query
    with f as (
      select extract(isodow from f.day)::smallint as dow, sum(f.am_open) as am_open, sum(f.pm_open) as pm_open,
             sum(f.am_hours) as am_hours, sum(f.pm_hours) as pm_hours
        from private.occupancy_facts(p_from, p_to, null, 'desk') f group by 1),
    s as (select st.midday_at, st.time_zone from public.settings st),
    -- who booked in each half: a whole day is in both
    people as (
      select extract(isodow from o.day)::smallint as dow, h.half,
             count(distinct coalesce(o.member_id::text, o.guest_email)) as n
        from private.booking_outcomes(p_from, p_to) o join public.resources r on r.id = o.resource_id cross join s
        cross join lateral (
          select 'am'::text as half where (lower(o.during) at time zone s.time_zone)::time < s.midday_at
          union all
          select 'pm' where (upper(o.during) at time zone s.time_zone)::time > s.midday_at) h
       where o.status <> 'cancelled' and r.kind = 'desk'
       group by 1, 2)
    select x.dow, x.half,
           private.k_rate(case when x.oh > 0 then round(x.bh / x.oh, 4) else 0 end, coalesce(p.n, 0), true)
      from (select f.dow, 'am'::text as half, f.am_open as oh, f.am_hours as bh from f
            union all select f.dow, 'pm'::text, f.pm_open, f.pm_hours from f) x
      left join people p on p.dow = x.dow and p.half = x.half
     where x.oh > 0
     order by 1, 2;
end
$$;
revoke all on function public.link_board_slots(text, date, date) from public;
grant execute on function public.link_board_slots(text, date, date) to anon, authenticated, service_role;

/**
 * The dashboard's events figures over a period, aggregated here so that k-anonymity applies to
 * the totals (per-event counts under 5 are hidden from board accounts by event_stats, and a sum
 * of hidden values would be wrong): events (published, starting in the period), places taken,
 * attendance over events that started, mean fill rate, share of events that used a waiting list.
 */
create or replace function public.occupancy_events(p_from date, p_to date)
returns table (events integer, registrations bigint, attended bigint, attendance_rate numeric,
               fill_rate numeric, waitlist_share numeric)
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
    with e as (
      select ev.id, ev.capacity, ev.starts_at <= now() as started, c.taken, c.came, c.queued
        from public.events ev
        cross join lateral (
          select count(*) filter (where x.status in ('registered', 'attended')) as taken,
                 count(*) filter (where x.status = 'attended') as came,
                 count(*) filter (where x.waitlisted_at is not null) as queued
            from public.registrations x where x.event_id = ev.id) c
       where ev.status = 'published'
         and ev.starts_at >= (p_from::timestamp at time zone v_tz)
         and ev.starts_at < ((p_to + 1)::timestamp at time zone v_tz))
    select count(*)::integer, private.k_count(coalesce(sum(e.taken), 0)::bigint, v_k),
           private.k_count(coalesce(sum(e.came) filter (where e.started), 0)::bigint, v_k),
           private.k_rate(case when sum(e.taken) filter (where e.started) > 0
                               then round(sum(e.came) filter (where e.started) / sum(e.taken) filter (where e.started), 4) end,
                          (sum(e.taken) filter (where e.started))::bigint, v_k),
           private.k_rate(round(avg(e.taken::numeric / e.capacity), 4), sum(e.taken)::bigint, v_k),
           case when count(*) > 0 then round(avg(case when e.queued > 0 then 1 else 0 end), 4) end
      from e;
end
$$;
revoke all on function public.occupancy_events(date, date) from public, anon;
grant execute on function public.occupancy_events(date, date) to authenticated, service_role;
