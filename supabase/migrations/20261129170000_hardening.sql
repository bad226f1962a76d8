/**
 * Hardening after a review of every migration from the side of a second client (the REST API
 * with the anon key, or a signed-in member calling functions with crafted arguments).
 *
 * 1. The shared link no longer tells whoever holds it a member's plan usage or other bookings.
 * 2. A member holds at most a few hours of meeting rooms a day (one person could block every
 *    room for the whole booking window); the team is not limited.
 * 3. Staff add members, not staff or admins, and cannot touch an admin's row.
 * 4. A deactivated member can no longer edit their row; bookkeeping columns (created, consent
 *    dates, stale notice, erasure request) are not the member's to write directly.
 * 5. occupancy_daily is for the board and the team, over at most ~3 years.
 */

set local search_path = public, extensions;

-- 1 ----------------------------------------------------------------------------------------

create or replace function public.link_book(p_token text, p_email text, p_full_name text, p_resource_id uuid,
                                            p_starts timestamptz, p_ends timestamptz)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  l public.share_links;
  s public.settings;
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_name text := btrim(coalesce(p_full_name, ''));
  v_member public.members;
  v_day date;
  v_count integer;
  b public.bookings;
  v_token text := private.new_token();
begin
  l := private.share_link_check(p_token, 'booking');
  select * into s from public.settings;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or length(v_email) > 254 then
    perform private.refuse('link.email_invalid');
  end if;
  if length(v_name) not between 1 and 200 then
    perform private.refuse('link.name_required');
  end if;
  v_day := (p_starts at time zone s.time_zone)::date;
  -- counting then inserting must not interleave with another visitor of the same link
  perform pg_advisory_xact_lock(hashtextextended(l.id::text, 2));
  select count(*) into v_count from public.bookings
   where share_link_id = l.id and created_at >= date_trunc('day', now() at time zone s.time_zone) at time zone s.time_zone;
  if v_count >= l.max_per_day then
    perform private.refuse('link.limit');
  end if;
  select count(*) into v_count from public.bookings x
   where x.share_link_id is not null and x.day = v_day and x.status <> 'cancelled'
     and (x.guest_email = v_email or x.member_id = (select m.id from public.members m
                                                    where m.email operator(extensions.=) v_email::extensions.citext));
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

-- 2 ----------------------------------------------------------------------------------------

alter table public.settings add column room_hours_per_day integer not null default 4
  check (room_hours_per_day between 1 and 24);

/** Trigger: a member's room bookings of a day stay within settings.room_hours_per_day. */
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

-- 3 and 4 ----------------------------------------------------------------------------------

drop policy "Members are added by the team" on public.members;
create policy "Admins add anyone, staff add members" on public.members
  for insert to authenticated with check (
    private.is_admin()
    or (private.is_team() and role = 'member' and user_id is null and erased_at is null and active));

drop policy "Members edit their own profile, the team edits everyone" on public.members;
create policy "Active members edit their own profile, staff edit non-admins, admins everyone" on public.members
  for update to authenticated
  using (id = private.current_member_id() or private.is_admin() or (private.is_team() and role <> 'admin'))
  with check (id = private.current_member_id() or private.is_admin() or (private.is_team() and role <> 'admin'));

/**
 * Trigger (runs as the caller, last of the before-update triggers): on a member's direct update
 * of their own row, bookkeeping columns keep their values. Functions that legitimately write them
 * (request_erasure, the consent trigger) run as the owner and are not affected.
 */
create or replace function private.keep_member_bookkeeping() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user <> 'authenticated' or private.is_team() then
    return new;
  end if;
  new.created_at := old.created_at;
  new.erasure_requested_at := old.erasure_requested_at;
  if new.visibility is not distinct from old.visibility then
    new.visibility_changed_at := old.visibility_changed_at;
  end if;
  if new.stale_hidden_at is not null then  -- a member may acknowledge the notice (null), not set it
    new.stale_hidden_at := old.stale_hidden_at;
  end if;
  return new;
end
$$;
revoke all on function private.keep_member_bookkeeping() from public;
grant execute on function private.keep_member_bookkeeping() to authenticated;
create trigger zz_members_keep_bookkeeping before update on public.members
  for each row execute function private.keep_member_bookkeeping();

-- 5 ----------------------------------------------------------------------------------------

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

/** Every dashboard function reads the per-day facts: bound the period there, once for all. */
create or replace function private.occupancy_guard_range(p_from date, p_to date) returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  -- the owner (command line, exports) has no claims; anyone else must be board or team
  if not (auth.uid() is null and coalesce(auth.role(), '') not in ('anon', 'authenticated')) then
    perform private.occupancy_guard();
  end if;
  perform private.occupancy_range_check(p_from, p_to);
end
$$;
revoke all on function private.occupancy_guard_range(date, date) from public;
grant execute on function private.occupancy_guard_range(date, date) to authenticated, service_role;

/** The contract function, now for the board and the team only, over a bounded period. */
create or replace function public.occupancy_daily(p_from date, p_to date, p_zone_id uuid default null,
                                                  p_kind text default 'desk')
returns table (day date, booked_hours numeric, open_hours numeric, occupancy numeric)
language plpgsql stable security definer set search_path = ''
as $fn$
#variable_conflict use_column
begin
  perform private.occupancy_guard_range(p_from, p_to);
  return query

  with s as (select * from public.settings),
  res as (select r.id from public.resources r
           where r.active and r.kind = p_kind and (p_zone_id is null or r.zone_id = p_zone_id)),
  days as (select g::date as day from generate_series(p_from, p_to, interval '1 day') g),
  open_h as (
    select d.day,
           case when extract(isodow from d.day)::smallint = any (s.open_days)
                then (select count(*) from res
                       where not exists (select 1 from public.closures c where d.day between c.starts_on and c.ends_on
                                           and (c.resource_id is null or c.resource_id = res.id)))
                     * extract(epoch from s.closes_at - s.opens_at) / 3600.0
                else 0 end as open_hours
      from days d cross join s),
  booked as (
    select b.day, sum(extract(epoch from upper(b.during) - lower(b.during)) / 3600.0) as hours
      from public.bookings b join res on res.id = b.resource_id
     where b.day between p_from and p_to and b.status <> 'cancelled'
     group by b.day)
  select o.day, round(coalesce(bk.hours, 0)::numeric, 2), round(o.open_hours::numeric, 2),
         case when o.open_hours > 0 then round((coalesce(bk.hours, 0) / o.open_hours)::numeric, 4) else 0 end
    from open_h o left join booked bk on bk.day = o.day
   order by o.day;
end
$fn$;

/** The per-day facts every dashboard reads, now refusing periods over ~3 years (a generated
 * series of millions of days was a cheap way to keep a connection busy). */
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

-- 6 ----------------------------------------------------------------------------------------

/** TRUNCATE ignores row-level security; nobody but the owner needs it (nor TRIGGER, REFERENCES). */
revoke truncate, trigger, references on all tables in schema public from anon, authenticated;
alter default privileges in schema public revoke truncate, trigger, references on tables from anon, authenticated;
