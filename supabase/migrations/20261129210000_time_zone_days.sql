/**
 * A booking's `day` is its local date in the space's time zone, stored for fast day queries and
 * kept by a trigger when the booking changes. When the time zone itself changes (typically an
 * admin correcting it after setting up), bookings not yet over are given their local date in
 * the new zone so that day views, quotas and check-in agree with the times shown. Bookings
 * already over keep the day they happened on, in the zone the space then had.
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

create trigger settings_time_zone_days after update of time_zone on public.settings
  for each row when (old.time_zone is distinct from new.time_zone)
  execute function private.settings_recompute_booking_days();

revoke all on function private.settings_recompute_booking_days() from public, anon, authenticated;
