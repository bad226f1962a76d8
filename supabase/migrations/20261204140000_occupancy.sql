/**
 * Occupancy dashboards: aggregates for board members, admins and staff.
 *
 * Board members may not read other people's bookings or member rows (RLS), yet the dashboards
 * need totals over everyone: these functions are `security definer`, return only aggregates
 * (hours, counts, rates; never a person), and refuse anyone but the board, the team and a
 * service_role job with `occupancy.forbidden`. Anonymous visitors cannot execute them at all.
 *
 * Everything is computed from the stored local `day` of bookings (indexed; the space's time
 * zone), never from a generate_series × range-overlap join (41 ms against 1.5 s measured on
 * 1.4 M bookings). Definitions: active resources of a kind, open hours = open weekdays ×
 * resources not closed × opening hours, booked hours of bookings that are not cancelled.
 * public.occupancy_daily, the contract function (exports, the command line), gives the same
 * figures as occupancy_days.
 */

-- ------------------------------------------------------------------------------ who may read

/** Dashboards are for the board and the team (and jobs holding the service_role key). */
create or replace function private.occupancy_guard() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if coalesce(private.current_role() in ('admin', 'staff', 'board'), false)
     or coalesce(auth.jwt() ->> 'role', '') = 'service_role' then
    return;
  end if;
  perform private.refuse('occupancy.forbidden');
end
$$;
revoke all on function private.occupancy_guard() from public;

-- ------------------------------------------------------------------------------ the facts

/** Periods over ~3 years are refused: a generated series of millions of days was a cheap way to
 * keep a connection busy. */
create or replace function private.occupancy_range_check(p_from date, p_to date) returns void
language plpgsql immutable set search_path = ''
as $$
begin
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 1100 then
    perform private.refuse('occupancy.bad_range', jsonb_build_object('days', 1100));
  end if;
end
$$;
revoke all on function private.occupancy_range_check(date, date) from public;
grant execute on function private.occupancy_range_check(date, date) to authenticated, service_role;

/**
 * One row per local day and zone: open hours (whole day, morning, afternoon) and what was
 * booked in them. Every dashboard function aggregates these rows; the caller has checked rights.
 * Morning is opens_at..midday_at, afternoon midday_at..closes_at (the settings' half days); a
 * room booked 12:00-14:00 counts its hours in each half.
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
    select r.id, r.zone_id from public.resources r
     where r.active and r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id)),
  zone_res as (select res.zone_id, count(*) as n from res group by res.zone_id),
  days as (
    select g::date as day from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g),
  -- closures are few: expand only them over the period, not every day × every resource
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
     group by 1, 2),
  open_res as (
    select d.day, z.zone_id,
           case when extract(isodow from d.day)::smallint = any (s.open_days)
                     and not exists (select 1 from closed_day cd where cd.day = d.day)
                then z.n - coalesce(cr.n, 0) else 0 end as n
      from days d cross join zone_res z cross join s
      left join closed_res cr on cr.day = d.day and cr.zone_id = z.zone_id),
  -- half-day boundaries once per day, not once per booking (time zone arithmetic is the
  -- costly part); float epochs, as numeric ones cost twice as much over a year of bookings
  bounds as (
    select d.day, (d.day + s.opens_at) at time zone s.time_zone as t0,
           (d.day + s.midday_at) at time zone s.time_zone as t1,
           (d.day + s.closes_at) at time zone s.time_zone as t2
      from days d cross join s),
  bk as (
    select b.day, res.zone_id,
           sum(date_part('epoch', upper(b.during) - lower(b.during))) / 3600.0 as hours,
           sum(greatest(0, date_part('epoch', least(upper(b.during), x.t1) - greatest(lower(b.during), x.t0))))
             / 3600.0 as am_hours,
           sum(greatest(0, date_part('epoch', least(upper(b.during), x.t2) - greatest(lower(b.during), x.t1))))
             / 3600.0 as pm_hours,
           sum(b.units) as units,
           count(*) as bookings,
           -- a no-show can only be known once the booking has started
           count(*) filter (where b.status = 'confirmed' and lower(b.during) <= now()) as started,
           count(*) filter (where b.status = 'confirmed' and b.no_show_at is not null
                              and lower(b.during) <= now()) as no_shows
      from public.bookings b join res on res.id = b.resource_id join bounds x on x.day = b.day
     where b.day between p_from and p_to and b.status <> 'cancelled'
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

-- ------------------------------------------------------------------------------ the dashboards

/** Per local day: open and booked hours, occupancy (booked ÷ open), desk-days, bookings, no-shows. */
create or replace function public.occupancy_days(p_from date, p_to date, p_zone_id uuid default null,
                                                 p_kind text default 'desk')
returns table (day date, open_hours numeric, booked_hours numeric, occupancy numeric, units numeric,
               bookings bigint, no_shows bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    select f.day, round(sum(f.open_hours), 2), round(sum(f.booked_hours), 2),
           case when sum(f.open_hours) > 0 then round(sum(f.booked_hours) / sum(f.open_hours), 4) else 0 end,
           sum(f.units), sum(f.bookings)::bigint, sum(f.no_shows)::bigint
      from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
     group by f.day
     order by f.day;
end
$$;
revoke all on function public.occupancy_days(date, date, uuid, text) from public, anon;
grant execute on function public.occupancy_days(date, date, uuid, text) to authenticated, service_role;

/**
 * The period's headline figures: average occupancy (booked ÷ open hours), the busiest day,
 * desk-days booked, the no-show rate (no-shows ÷ confirmed bookings already started) and how
 * many different members came (checked in, or a started booking not marked as a no-show).
 * `history_from` is the first day holding a booking at all: a comparison with a period that
 * starts before it would compare with days the app did not exist yet.
 */
create or replace function public.occupancy_summary(p_from date, p_to date, p_zone_id uuid default null,
                                                    p_kind text default 'desk')
returns table (open_days integer, open_hours numeric, booked_hours numeric, occupancy numeric,
               peak_day date, peak_occupancy numeric, units numeric, bookings bigint, started bigint,
               no_shows bigint, no_show_rate numeric, members_came integer, history_from date)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    with per_day as (
      select f.day, sum(f.open_hours) as oh, sum(f.booked_hours) as bh, sum(f.units) as u,
             sum(f.bookings) as nb, sum(f.started) as st, sum(f.no_shows) as ns
        from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
       group by f.day),
    peak as (
      select d.day, d.bh / d.oh as occ from per_day d where d.oh > 0
       order by d.bh / d.oh desc, d.day limit 1),
    came as (
      select count(distinct b.member_id)::integer as n
        from public.bookings b join public.resources r on r.id = b.resource_id
       where b.day between p_from and p_to and b.status <> 'cancelled'
         and r.active and r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id)
         and b.member_id is not null
         and (b.checked_in_at is not null
              or (b.status = 'confirmed' and b.no_show_at is null and lower(b.during) <= now())))
    select (count(*) filter (where d.oh > 0))::integer,
           round(coalesce(sum(d.oh), 0), 2), round(coalesce(sum(d.bh), 0), 2),
           case when sum(d.oh) > 0 then round(sum(d.bh) / sum(d.oh), 4) else 0 end,
           (select peak.day from peak), round((select peak.occ from peak), 4),
           coalesce(sum(d.u), 0), coalesce(sum(d.nb), 0)::bigint, coalesce(sum(d.st), 0)::bigint,
           coalesce(sum(d.ns), 0)::bigint,
           case when sum(d.st) > 0 then round(sum(d.ns) / sum(d.st), 4) end,
           (select came.n from came),
           -- the partial index on (day, resource_id) answers this in a single probe
           (select min(b.day) from public.bookings b where b.status <> 'cancelled')
      from per_day d;
end
$$;
revoke all on function public.occupancy_summary(date, date, uuid, text) from public, anon;
grant execute on function public.occupancy_summary(date, date, uuid, text) to authenticated, service_role;

/** Occupancy per ISO weekday (1 = Monday) and half day ('am', 'pm'), open weekdays only. */
create or replace function public.occupancy_by_slot(p_from date, p_to date, p_zone_id uuid default null,
                                                    p_kind text default 'desk')
returns table (isodow smallint, half text, open_hours numeric, booked_hours numeric, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    with w as (
      select extract(isodow from f.day)::smallint as dow, sum(f.am_open) as am_open, sum(f.pm_open) as pm_open,
             sum(f.am_hours) as am_hours, sum(f.pm_hours) as pm_hours
        from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
       group by 1)
    select x.dow, x.half, round(x.oh, 2), round(x.bh, 2),
           case when x.oh > 0 then round(x.bh / x.oh, 4) else 0 end
      from (select w.dow, 'am'::text as half, w.am_open as oh, w.am_hours as bh from w
            union all
            select w.dow, 'pm'::text, w.pm_open, w.pm_hours from w) x
     where x.oh > 0 or x.bh > 0
     order by x.dow, x.half;
end
$$;
revoke all on function public.occupancy_by_slot(date, date, uuid, text) from public, anon;
grant execute on function public.occupancy_by_slot(date, date, uuid, text) to authenticated, service_role;

/** Occupancy per zone over the period (zones holding active resources of the kind). */
create or replace function public.occupancy_by_zone(p_from date, p_to date, p_kind text default 'desk')
returns table (zone_id uuid, zone text, sort_order integer, resources integer, open_hours numeric,
               booked_hours numeric, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    with z as (
      select f.zone_id, sum(f.open_hours) as oh, sum(f.booked_hours) as bh
        from private.occupancy_facts(p_from, p_to, null, p_kind) f
       group by f.zone_id)
    select zn.id, zn.name, zn.sort_order,
           (select count(*) from public.resources r where r.zone_id = zn.id and r.active and r.kind = p_kind)::integer,
           round(z.oh, 2), round(z.bh, 2), case when z.oh > 0 then round(z.bh / z.oh, 4) else 0 end
      from z join public.zones zn on zn.id = z.zone_id
     order by zn.sort_order, zn.name;
end
$$;
revoke all on function public.occupancy_by_zone(date, date, text) from public, anon;
grant execute on function public.occupancy_by_zone(date, date, text) to authenticated, service_role;

/**
 * Members per plan: how many active members hold each plan, and how many of them came in the
 * period (any resource). Counts only, never a name. Members without a plan form one row
 * (plan_id null).
 */
create or replace function public.members_by_plan(p_from date, p_to date)
returns table (plan_id uuid, code text, name_fr text, name_en text, members integer, came integer)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.occupancy_guard();
  return query
    with came as (
      select distinct b.member_id
        from public.bookings b
       where b.day between p_from and p_to and b.status <> 'cancelled' and b.member_id is not null
         and (b.checked_in_at is not null
              or (b.status = 'confirmed' and b.no_show_at is null and lower(b.during) <= now())))
    select p.id, p.code, p.name_fr, p.name_en, count(m.id)::integer,
           (count(m.id) filter (where c.member_id is not null))::integer
      from public.members m
      left join public.plans p on p.id = m.plan_id
      left join came c on c.member_id = m.id
     where m.active and m.erased_at is null and m.role = 'member'
     group by p.id, p.code, p.name_fr, p.name_en
     order by count(m.id) desc, p.code;
end
$$;
revoke all on function public.members_by_plan(date, date) from public, anon;
grant execute on function public.members_by_plan(date, date) to authenticated, service_role;

/** The contract function, for the board and the team (and the owner: command line, exports),
 * over at most the period occupancy_facts accepts. Same figures as occupancy_days. */
create or replace function public.occupancy_daily(p_from date, p_to date, p_zone_id uuid default null,
                                                  p_kind text default 'desk')
returns table (day date, booked_hours numeric, open_hours numeric, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not (auth.uid() is null and coalesce(auth.role(), '') not in ('anon', 'authenticated')) then
    perform private.occupancy_guard();
  end if;
  return query
    select f.day, round(sum(f.booked_hours), 2), round(sum(f.open_hours), 2),
           case when sum(f.open_hours) > 0 then round(sum(f.booked_hours) / sum(f.open_hours), 4) else 0 end
      from private.occupancy_facts(p_from, p_to, p_zone_id, p_kind) f
     group by f.day
     order by f.day;
end
$$;
revoke all on function public.occupancy_daily(date, date, uuid, text) from public, anon;
grant execute on function public.occupancy_daily(date, date, uuid, text) to authenticated, service_role;
