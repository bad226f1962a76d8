/**
 * Booking rules tightened after a review:
 *
 * 1. check_in: a member checks in from 30 minutes before their booking starts until it ends
 *    (before, a member could check in at 8:00 for an afternoon slot — and so hold a desk that the
 *    release of unclaimed desks would otherwise free). The team may still check anyone in at any
 *    time on the day (the arrivals desk). The opening time is private.check_in_opens_at, which
 *    pages read too, so the rule is written once.
 * 2. mark_no_show: only a confirmed booking, and only once (pending and cancelled bookings were
 *    accepted, and marking twice moved the time).
 * 3. link_book: the per-email daily limit of a shared link counts a normalised address
 *    (lower case, `+tag` removed from the local part), so ann+1@x.org and ann+2@x.org are one
 *    person. The booking keeps what the visitor typed.
 *
 * private.release_unclaimed was checked for a similar loophole: it selects bookings by day,
 * status, check-in and start time, never by address, so it has none; its only way around was the
 * early check-in that (1) closes. Unchanged.
 *
 * Functions are replaced with the same signatures: their grants (execute for authenticated and
 * service_role; the link_* ones for anon too; nothing for public) carry over.
 */

-- 1 ----------------------------------------------------------------------------------------

/** When a member may start checking in to a booking starting at `p_starts`. */
create or replace function private.check_in_opens_at(p_starts timestamptz) returns timestamptz
language sql immutable set search_path = ''
as $$
  select p_starts - interval '30 minutes'
$$;
revoke all on function private.check_in_opens_at(timestamptz) from public;
-- pages read it next to a person's bookings, to offer the button only when it will work
grant execute on function private.check_in_opens_at(timestamptz) to authenticated, service_role;

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

-- 2 ----------------------------------------------------------------------------------------

/** The team marks a confirmed booking whose start has passed as a no-show, once. */
create or replace function public.mark_no_show(p_booking_id uuid)
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
  if b.status = 'cancelled' then
    perform private.refuse('booking.no_show_cancelled');
  end if;
  if b.status = 'pending' then
    perform private.refuse('booking.no_show_pending');
  end if;
  if b.no_show_at is not null then
    perform private.refuse('booking.no_show_already');
  end if;
  if b.checked_in_at is not null then
    perform private.refuse('booking.no_show_checked_in');
  end if;
  if lower(b.during) > now() then
    perform private.refuse('booking.no_show_future');
  end if;
  update public.bookings set no_show_at = now() where id = b.id returning * into b;
  return b;
end
$$;

-- 3 ----------------------------------------------------------------------------------------

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

/**
 * The shared-link path, for anyone: validates the link and its abuse limits, books as the
 * member who has this email (within their quota) or as a guest (pending when guests need
 * approval). Returns the private manage token — shown once, only its hash is kept.
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
  perform pg_advisory_xact_lock(hashtextextended(l.id::text, 2));
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
