-- Booking that says what is true (issue #13): why a day cannot be booked, and whether a refused
-- slot was taken before the person looked or a moment ago. Read-only helpers; the rules stay in
-- private.book (which refuses exactly these days), so a page only explains, never decides.

/**
 * Whether a day can be booked at all, and if not why, for the person's page: one row
 * (state, reason, until_day, opens_on).
 *   'open'    — an opening day inside the booking window with a slot not yet over;
 *   'past'    — before today, or today after closing time;
 *   'too_far' — beyond the booking window; opens_on is the first day it can be booked;
 *   'weekday' — not an opening day of the week; until_day is the next opening day;
 *   'closure' — a whole-space closure; reason is its reason, until_day its last day.
 * The same tests as private.book, in the same order of importance as its refusals.
 */
create or replace function public.day_status(p_day date)
returns table (state text, reason text, until_day date, opens_on date)
language plpgsql stable security definer set search_path = ''
as $$
declare
  s public.settings;
  v_today date;
  v_closure public.closures;
  v_next date;
begin
  if private.current_role() is null then
    perform private.refuse('booking.sign_in');
  end if;
  select * into s from public.settings;
  v_today := (now() at time zone s.time_zone)::date;
  if p_day < v_today or (p_day = v_today and (p_day + s.closes_at) at time zone s.time_zone <= now()) then
    return query select 'past'::text, null::text, null::date, null::date;
    return;
  end if;
  if not (extract(isodow from p_day)::smallint = any (s.open_days)) then
    select min(g)::date into v_next from generate_series(p_day + 1, p_day + 7, interval '1 day') g
     where extract(isodow from g)::smallint = any (s.open_days);
    return query select 'weekday'::text, null::text, v_next, null::date;
    return;
  end if;
  select * into v_closure from public.closures c
   where p_day between c.starts_on and c.ends_on and c.resource_id is null
   order by c.ends_on desc limit 1;
  if found then
    return query select 'closure'::text, v_closure.reason, v_closure.ends_on, null::date;
    return;
  end if;
  if p_day > v_today + s.booking_window_days then
    return query select 'too_far'::text, null::text, null::date, p_day - s.booking_window_days;
    return;
  end if;
  return query select 'open'::text, null::text, null::date, null::date;
end
$$;
revoke all on function public.day_status(date) from public, anon;
grant execute on function public.day_status(date) to authenticated, service_role;

/**
 * Whether a live booking of this resource overlapping [p_starts, p_ends) was made before
 * p_since: a refused "taken" then reads "already taken" rather than "just taken". Says
 * nothing about who holds it.
 */
create or replace function public.slot_taken_before(p_resource_id uuid, p_starts timestamptz, p_ends timestamptz,
                                                    p_since timestamptz)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.current_role() is not null and exists (
    select 1 from public.bookings b
     where b.resource_id = p_resource_id and b.status <> 'cancelled'
       and b.during && tstzrange(p_starts, p_ends, '[)') and b.created_at < p_since)
$$;
revoke all on function public.slot_taken_before(uuid, timestamptz, timestamptz, timestamptz) from public, anon;
grant execute on function public.slot_taken_before(uuid, timestamptz, timestamptz, timestamptz)
  to authenticated, service_role;
