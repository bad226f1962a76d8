/**
 * Proof before power on the shared link (issue #11, the proof part).
 *
 * Until now `link_book` / `link_register` booked at once as whichever member's address was typed
 * (using their plan), and their refusals told a member's address from a stranger's. Now:
 *
 * - `link_book` and `link_register` keep their parameters and return type but only RECORD A
 *   REQUEST (private.link_requests) and queue a `link_proof` message to the typed address. They
 *   answer 'check_email' whatever the address: a member's and a stranger's get the same answer,
 *   byte for byte, and nothing is written on any member's account.
 * - `link_prove(proof token)` uses a request once (any device) and books or registers NOW, as the
 *   member whose active record has exactly this address (plan, quota, one desk at a time apply,
 *   and may be said: the address is proven) or as a guest; it queues the confirmation carrying
 *   the manage token.
 *
 * Design: an unproven request HOLDS NOTHING. A request is a row in a private table and an e-mail;
 * it takes no desk, so a flood of requests with fresh addresses cannot take a single desk, and
 * no count of unproven requests can lock real visitors out of a slot. The price is that the slot
 * is booked at proof time only if it is still free: the form says so ("we hold nothing until you
 * confirm; confirm quickly") and the proof says plainly when it was taken meanwhile. Holding
 * (even briefly) would let anyone with a script take every desk for the hold's length, again and
 * again; the proof takes a minute for a real visitor, so the race it loses is rare.
 *
 * Checks at request time are only those that do not depend on who the address belongs to: the
 * link, the visitor's name and address are well-formed, the slot is a real slot of a desk
 * (anonymous visitors book desks only, never rooms), free at this moment, the event is open.
 *
 * Caps:
 * - per address (private.email_key: case, +tag, Gmail dots): at most 3 `link_proof` messages a
 *   24 h; beyond, the request is recorded but no e-mail is queued, and the answer is the same
 *   (so the cap reveals nothing and the space's mail server cannot be turned on one victim);
 * - per link: a ceiling of 600 requests in the last minute (10 a second, well above a
 *   newsletter burst: 50 visitors at once book a few a second). Under a flood of 200 fresh
 *   addresses in a minute nothing is refused at all; above the ceiling the link answers
 *   `link.busy` to everyone, whatever the address, and a visitor arriving a minute after the
 *   flood stops passes. Requests holding nothing, the ceiling only protects the outbox.
 * - at proof time, under the link's lock then ONE lock per normalised address (private.lock
 *   ('person', email_key)), the link's daily bookings/registrations and the per-address daily
 *   limit (counted by email_key), so racing proofs through several links cannot pass together.
 *
 * Requests expire on their own (2 hours, or at the slot's or event's start if sooner) and are
 * purged a day after they were made (the per-address mail cap needs the last 24 h).
 *
 * Also: "one desk at a time" and the room-hours limit compare guests by private.email_key (ann+1@
 * got around both); names and addresses are checked more strictly (an atext local part, dotted
 * domain labels, no control or invisible format characters, a name with a letter or digit).
 */

-- ------------------------------------------------------------------------------ requests

create table private.link_requests (
  id uuid primary key default gen_random_uuid(),
  -- sha-256 of the proof token (the token itself is only in the queued message's secret)
  token_hash text not null unique,
  share_link_id uuid not null references public.share_links (id) on delete cascade,
  kind text not null check (kind in ('booking', 'registration')),
  email text not null check (length(email) <= 254),
  email_key text not null,
  full_name text not null check (length(full_name) between 1 and 200),
  locale text check (locale is null or locale in ('fr', 'en')),
  resource_id uuid references public.resources (id) on delete cascade,
  starts timestamptz,
  ends timestamptz,
  event_id uuid references public.events (id) on delete cascade,
  -- whether a link_proof message was queued (the per-address cap counts these)
  mailed boolean not null default false,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  -- what the proof did: confirmed, pending, registered, waitlisted, refused
  outcome text,
  constraint link_requests_what check (
    (kind = 'booking' and resource_id is not null and starts is not null and ends is not null and event_id is null)
    or (kind = 'registration' and event_id is not null and resource_id is null))
);
create index link_requests_key_idx on private.link_requests (email_key, created_at);
create index link_requests_link_idx on private.link_requests (share_link_id, created_at);
create index link_requests_created_idx on private.link_requests (created_at);
alter table private.link_requests enable row level security;
revoke all on private.link_requests from public, anon, authenticated;

-- ------------------------------------------------------------------------------ checks

/**
 * What every shared-link form checks of its visitor (booking, events), replaced: stricter.
 * The address: at most 254 characters, a local part of atext ("dot-atom": letters, digits and
 * !#$%&'*+/=?^_`{|}~- in dot-separated runs; non-ASCII letters allowed), an @, and a domain of
 * at least two dot-separated labels (letters, digits, inner hyphens); so no < > ( ) [ ] \ , ; : "
 * nor spaces. The name: 1 to 200 characters with at least one letter or digit. Neither may hold
 * a control character (Unicode Cc) or an invisible format character (Cf: zero-width spaces and
 * joiners, direction marks and overrides, soft hyphen, BOM, tags…).
 */
create or replace function private.check_link_visitor(p_email text, p_name text) returns void
language plpgsql set search_path = ''
as $$
declare
  -- Unicode Cc and Cf (PostgreSQL's regular expressions have no \p{…}: the ranges, as of Unicode 15)
  v_hidden constant text := '[\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891'
    '\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb'
    '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
    '\U000e0001\U000e0020-\U000e007f]';
  v_atext constant text := '[A-Za-z0-9!#$%&''*+/=?^_`{|}~\u00a0-\U0010ffff-]+';
  v_label constant text := '[A-Za-z0-9\u00a0-\U0010ffff]([A-Za-z0-9\u00a0-\U0010ffff-]*[A-Za-z0-9\u00a0-\U0010ffff])?';
begin
  if p_email is null or length(p_email) > 254 or p_email ~ v_hidden
     or p_email !~ ('^' || v_atext || '(\.' || v_atext || ')*@' || v_label || '(\.' || v_label || ')+$') then
    perform private.refuse('link.email_invalid');
  end if;
  if p_name ~ v_hidden then
    perform private.refuse('link.name_invisible');
  end if;
  if p_name is null or length(p_name) not between 1 and 200 or p_name !~ '[[:alnum:]]' then
    perform private.refuse('link.name_required');
  end if;
end
$$;
revoke all on function private.check_link_visitor(text, text) from public;

/**
 * Whether a slot is a real slot of a resource, whoever asks: the resource is active (in an active
 * zone), the range is one day, not over, on an open day, not closed, within the hours, on the
 * half-day boundaries for desks or whole hours for rooms, within the booking window. Returns the
 * desk days it uses (1, 0.5, 0 for rooms). private.book and link_book both ask it, so the rules
 * are written once; nothing here depends on other bookings or on who books.
 */
create or replace function private.check_slot(p_resource_id uuid, p_starts timestamptz, p_ends timestamptz)
returns numeric
language plpgsql stable security definer set search_path = ''
as $$
declare
  s public.settings;
  r public.resources;
  d date;
  t_start time;
  t_end time;
  v_closure public.closures;
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
  if d > (now() at time zone s.time_zone)::date + s.booking_window_days then
    perform private.refuse('booking.window', jsonb_build_object('days', s.booking_window_days));
  end if;
  if r.booking_unit = 'half_day' then
    if not ((t_start = s.opens_at and t_end in (s.midday_at, s.closes_at)) or (t_start = s.midday_at and t_end = s.closes_at)) then
      perform private.refuse('booking.half_day_only', jsonb_build_object('midday', to_char(s.midday_at, 'HH24:MI')));
    end if;
    return case when t_start = s.opens_at and t_end = s.closes_at then 1 else 0.5 end;
  end if;
  if not ((date_trunc('hour', t_start::interval) = t_start::interval or t_start = s.opens_at)
          and (date_trunc('hour', t_end::interval) = t_end::interval or t_end = s.closes_at)) then
    perform private.refuse('booking.whole_hours');
  end if;
  return 0;
end
$$;
revoke all on function private.check_slot(uuid, timestamptz, timestamptz) from public;

-- ------------------------------------------------------------------------------ the booking itself

/**
 * The booking itself (replaced): the slot's rules (private.check_slot), then, under the person's
 * and the resource's locks, quota, one desk at a time and the resource free, then the insert.
 * Guests are now one person however they spell their address (private.email_key): the lock, and
 * "one desk at a time" (which also counts the bookings of a member whose address has that key).
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
  v_units numeric(3,1);
  v_limit numeric;
  v_used numeric;
  v_range tstzrange;
  v_key text := private.email_key(p_guest_email);
  b public.bookings;
begin
  v_units := private.check_slot(p_resource_id, p_starts, p_ends);
  select * into s from public.settings;
  select * into r from public.resources where id = p_resource_id;
  d := (p_starts at time zone s.time_zone)::date;

  -- From here on the answer depends on other bookings: serialise. Member (or guest) first,
  -- then the resource, always in this order, so two transactions never wait on each other.
  perform private.lock('person', coalesce(p_member_id::text, v_key));
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
         and (x.member_id = p_member_id
              or (p_member_id is null and (private.email_key(x.guest_email) = v_key
                  or x.member_id in (select m.id from public.members m
                                      where private.email_key(m.email::text) = v_key))))) then
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

/** Trigger (replaced): a person's room bookings of a day stay within settings.room_hours_per_day;
 * guests now count together however they spell their address (private.email_key). */
create or replace function private.limit_room_hours() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_limit integer;
  v_hours numeric;
  v_key text := private.email_key(new.guest_email);
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
          or (new.member_id is null and private.email_key(b.guest_email) = v_key));
  if v_hours + extract(epoch from upper(new.during) - lower(new.during)) / 3600.0 > v_limit then
    perform private.refuse('booking.room_hours', jsonb_build_object('hours', v_limit));
  end if;
  return new;
end
$$;
revoke all on function private.limit_room_hours() from public;

-- ------------------------------------------------------------------------------ recording a request

/**
 * Record a shared-link request and, within the per-address cap, queue its proof message. The
 * caller has checked everything that does not depend on the address. Returns nothing: whatever
 * happens here, the visitor's answer is the same.
 */
create or replace function private.link_request(
  l public.share_links, p_kind text, p_email text, p_name text, p_resource_id uuid,
  p_starts timestamptz, p_ends timestamptz, p_event_id uuid, p_expires timestamptz, p_payload jsonb)
returns void
language plpgsql security definer set search_path = ''
as $$
declare
  v_key text := private.email_key(p_email);
  v_token text := private.new_token();
  v_locale text := nullif(current_setting('cantine.locale', true), '');
  v_mail boolean;
begin
  -- the language the visitor reads the form in (the app says it; other clients get the default)
  if v_locale not in ('fr', 'en') then
    v_locale := null;
  end if;
  -- a generous ceiling per link, the same for every address (see the head of this file)
  if (select count(*) from private.link_requests q
       where q.share_link_id = l.id and q.created_at > now() - interval '1 minute') >= 600 then
    perform private.refuse('link.busy');
  end if;
  -- old requests go (the mail cap needs the last 24 h); cheap on the created_at index
  delete from private.link_requests q where q.created_at < now() - interval '1 day';
  -- counting the address's proof messages, then adding one, must not interleave
  perform private.lock('person', v_key);
  v_mail := (select count(*) from private.link_requests q
              where q.email_key = v_key and q.mailed and q.created_at > now() - interval '24 hours') < 3;
  insert into private.link_requests (token_hash, share_link_id, kind, email, email_key, full_name, locale,
                                     resource_id, starts, ends, event_id, mailed, expires_at)
  values (private.token_hash(v_token), l.id, p_kind, p_email, v_key, p_name, v_locale,
          p_resource_id, p_starts, p_ends, p_event_id, v_mail, p_expires);
  if v_mail then
    -- no name: an unproven visitor's words never reach an e-mail
    perform private.queue_notice('link_proof', p_email, null, v_locale,
                                 p_payload || jsonb_build_object('expires_at', p_expires), v_token);
  end if;
end
$$;
revoke all on function private.link_request(public.share_links, text, text, text, uuid, timestamptz, timestamptz,
                                            uuid, timestamptz, jsonb) from public;

/**
 * The shared-link path for a desk (replaced): checks the link, the visitor's name and address,
 * that the slot is a real slot of a desk and free now, then records a request and sends a proof
 * link to the address. Returns 'check_email' whatever the address; books nothing (link_prove does).
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
  v_name text := btrim(coalesce(p_full_name, ''));
  r public.resources;
  z public.zones;
begin
  l := private.share_link_check(p_token, 'booking');
  select * into s from public.settings;
  perform private.check_link_visitor(v_email, v_name);
  select * into r from public.resources where id = p_resource_id;
  if found and r.kind <> 'desk' then
    perform private.refuse('link.desk_only');  -- the form offers desks only; rooms are for members
  end if;
  perform private.check_slot(p_resource_id, p_starts, p_ends);
  select * into z from public.zones where id = r.zone_id;
  if not z.active then
    perform private.refuse('booking.resource_unavailable');
  end if;
  -- taken now: say so at once (it does not depend on who asks); the proof checks again
  if exists (select 1 from public.bookings x
              where x.resource_id = r.id and x.status <> 'cancelled'
                and x.day = (p_starts at time zone s.time_zone)::date
                and x.during && tstzrange(p_starts, p_ends, '[)')) then
    perform private.refuse('booking.taken');
  end if;
  perform private.link_request(
    l, 'booking', v_email, v_name, r.id, p_starts, p_ends, null,
    least(now() + interval '2 hours', greatest(p_starts, least(now() + interval '30 minutes', p_ends))),
    jsonb_build_object('request', 'booking', 'space', s.space_name, 'time_zone', s.time_zone,
                       'resource', r.name, 'resource_kind', r.kind, 'zone', z.name,
                       'starts', p_starts, 'ends', p_ends));
  return 'check_email';
end
$$;
revoke all on function public.link_book(text, text, text, uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.link_book(text, text, text, uuid, timestamptz, timestamptz) to anon, authenticated, service_role;

/**
 * The shared-link path for an event (replaced): checks the link, the visitor, that the event is
 * open for registration, then records a request and sends a proof link. Returns 'check_email'
 * whatever the address (registered already or not: the e-mail's proof says, not this answer).
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
  perform private.link_request(
    l, 'registration', v_email, v_name, null, null, null, e.id,
    least(now() + interval '2 hours', e.starts_at),
    jsonb_build_object('request', 'registration', 'space', s.space_name, 'time_zone', s.time_zone,
                       'title', e.title, 'starts', e.starts_at, 'ends', e.ends_at,
                       'room', (select r.name from public.resources r where r.id = e.room_id)));
  return 'check_email';
end
$$;
revoke all on function public.link_register(text, uuid, text, text) from public, anon;
grant execute on function public.link_register(text, uuid, text, text) to anon, authenticated, service_role;

-- ------------------------------------------------------------------------------ the proof

/**
 * Follow a proof link: use its request once (from any device) and book or register now, as the
 * member whose active record has exactly this address, or as a guest. Refuses an unknown, used or
 * expired proof (link.proof_*). Otherwise returns one row:
 * - outcome: 'confirmed' / 'pending' (a booking), 'registered' / 'waitlisted', or 'refused' when
 *   a rule said no (the slot taken meanwhile, the plan's quota, one desk at a time, the link's or
 *   the address's daily limit…: the address is proven, so the reason may be said);
 * - kind: 'booking' or 'registration'; manage_token: the private manage token (null if refused);
 * - detail: the booking's or registration's notice payload, or {"key", "params"} of the refusal.
 * The confirmation is queued with the manage token as its secret. Limits are counted under the
 * link's lock, then one lock per normalised address, so racing proofs of one address through
 * several links pass only as far as the limits allow.
 */
create or replace function public.link_prove(p_proof_token text)
returns table (outcome text, kind text, manage_token text, detail jsonb)
language plpgsql security definer set search_path = ''
as $$
#variable_conflict use_column
declare
  q private.link_requests;
  l public.share_links;
  s public.settings;
  v_member public.members;
  v_manage text := private.new_token();
  v_outcome text;
  v_detail jsonb;
  v_count integer;
  v_day date;
  v_since timestamptz;
  v_msg text;
  v_hint text;
  b public.bookings;
  reg public.registrations;
begin
  select * into q from private.link_requests r
   where r.token_hash = private.token_hash(p_proof_token) and p_proof_token is not null
   for update;
  if not found then
    perform private.refuse('link.proof_unknown');
  end if;
  if q.used_at is not null then
    perform private.refuse('link.proof_used');
  end if;
  if q.expires_at <= now() then
    perform private.refuse('link.proof_expired');
  end if;
  select * into s from public.settings;
  select * into l from public.share_links where id = q.share_link_id;
  v_since := date_trunc('day', now() at time zone s.time_zone) at time zone s.time_zone;
  begin
    if l.revoked_at is not null then
      perform private.refuse('link.revoked');
    end if;
    if l.expires_at is not null and l.expires_at <= now() then
      perform private.refuse('link.expired', jsonb_build_object('date', to_char(l.expires_at, 'YYYY-MM-DD')));
    end if;
    select * into v_member from public.members m
     where m.email operator(extensions.=) q.email::extensions.citext and m.active;
    if q.kind = 'booking' then
      -- always the link, then the person, then the resource (private.lock_spaces)
      perform private.lock('booking_link', l.id::text);
      perform private.lock('person', q.email_key);
      v_day := (q.starts at time zone s.time_zone)::date;
      select count(*) into v_count from public.bookings where share_link_id = l.id and created_at >= v_since;
      if v_count >= l.max_per_day then
        perform private.refuse('link.limit');
      end if;
      select count(*) into v_count from public.bookings x
       where x.share_link_id is not null and x.day = v_day and x.status <> 'cancelled'
         and (private.email_key(x.guest_email) = q.email_key
              or x.member_id in (select m.id from public.members m where private.email_key(m.email::text) = q.email_key));
      if v_count >= l.max_per_email_per_day then
        perform private.refuse('link.email_limit', jsonb_build_object('max', l.max_per_email_per_day));
      end if;
      if v_member.id is not null then
        -- the name typed is kept with the booking: the manage link shows it back
        b := private.book(q.resource_id, q.starts, q.ends, v_member.id, q.full_name, null, 'link', l.id, 'confirmed');
      else
        b := private.book(q.resource_id, q.starts, q.ends, null, q.full_name, q.email, 'link', l.id,
                          case when s.guest_approval_required then 'pending' else 'confirmed' end);
      end if;
      update public.bookings set token_hash = private.token_hash(v_manage) where id = b.id returning * into b;
      v_outcome := b.status;
      v_detail := private.booking_notice_payload(b);
      perform private.queue_notice('booking_confirmed', q.email, coalesce(v_member.full_name, q.full_name),
                                   q.locale, v_detail, v_manage, v_member.id, b.id, null);
    else
      perform private.lock('event_link', l.id::text);
      perform private.lock('person', q.email_key);
      select count(*) into v_count from public.registrations where share_link_id = l.id and created_at >= v_since;
      if v_count >= l.max_per_day then
        perform private.refuse('event.link_limit');
      end if;
      select count(*) into v_count from public.registrations x
       where x.share_link_id is not null and x.created_at >= v_since
         and (private.email_key(x.guest_email) = q.email_key
              or x.member_id in (select m.id from public.members m where private.email_key(m.email::text) = q.email_key));
      if v_count >= l.max_per_email_per_day then
        perform private.refuse('event.link_email_limit', jsonb_build_object('max', l.max_per_email_per_day));
      end if;
      if v_member.id is not null then
        reg := private.register(q.event_id, v_member.id, q.full_name, null, 'link', l.id);
      else
        reg := private.register(q.event_id, null, q.full_name, q.email, 'link', l.id);
      end if;
      update public.registrations set token_hash = private.token_hash(v_manage) where id = reg.id returning * into reg;
      v_outcome := reg.status;
      v_detail := private.registration_notice_payload(reg);
      perform private.queue_notice(case when reg.status = 'waitlisted' then 'registration_waitlisted'
                                        else 'registration_confirmed' end,
                                   q.email, coalesce(v_member.full_name, q.full_name), q.locale, v_detail,
                                   v_manage, v_member.id, null, reg.id);
    end if;
  exception when raise_exception then
    -- a rule said no: nothing of the attempt stays, the request is used, the reason is returned
    -- (a lock that timed out is not caught: the proof can be followed again)
    get stacked diagnostics v_msg = message_text, v_hint = pg_exception_hint;
    v_outcome := 'refused';
    v_manage := null;
    v_detail := jsonb_build_object('key', v_msg, 'params',
                                   case when v_hint like '{%' then v_hint::jsonb else '{}'::jsonb end);
  end;
  update private.link_requests set used_at = now(), outcome = v_outcome where id = q.id;
  return query select v_outcome, q.kind, v_manage, v_detail;
end
$$;
revoke all on function public.link_prove(text) from public, anon;
grant execute on function public.link_prove(text) to anon, authenticated, service_role;

-- the person lock's key for a guest is now the address key (private.book, link_prove)
update private.lock_spaces
   set what = 'A person''s plan quota, one desk at a time, and a shared-link address''s limits. Key: '
              'members.id, or an address''s private.email_key. private.book, link_prove, link requests; '
              'before the resource.'
 where name = 'person';
