/**
 * Rules added after a review of every migration from the side of a second client (the REST API
 * with the anon key, or a signed-in member calling functions with crafted arguments). Fixes to
 * functions and policies were made where those are defined; what lives here is new:
 *
 * 1. A member holds at most a few hours of meeting rooms a day (one person could block every
 *    room for the whole booking window); the team is not limited.
 * 2. Bookkeeping columns of a member's row (created, consent dates, stale notice, erasure
 *    request) are not the member's to write directly.
 * 3. occupancy_daily, the contract function, is for the board and the team, over a bounded period.
 * 4. The API roles cannot TRUNCATE (which ignores RLS).
 */

set local search_path = public, extensions;

-- 1 ----------------------------------------------------------------------------------------

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

-- 2 ----------------------------------------------------------------------------------------

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

-- 3 ----------------------------------------------------------------------------------------

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

-- 4 ----------------------------------------------------------------------------------------

/** TRUNCATE ignores row-level security; nobody but the owner needs it (nor TRIGGER, REFERENCES). */
revoke truncate, trigger, references on all tables in schema public from anon, authenticated;
alter default privileges in schema public revoke truncate, trigger, references on tables from anon, authenticated;
