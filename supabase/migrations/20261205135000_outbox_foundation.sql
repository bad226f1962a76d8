/**
 * The outbox grows (issue #11): every message people expect, queued by the database.
 *
 * - `notifications.kind` names every kind of message (each has a renderer in lib/mail/messages.py).
 * - A message may carry a secret (a proof link's or a manage link's token): it lives in
 *   `private.notification_secrets`, out of the API's reach, only until the message is sent.
 * - `members.email_opt_out`: the optional kinds a member chose not to receive.
 * - `private.queue_notice` is the one way SQL queues a message; it honours the opt-outs.
 *   `private.queue_notice_to_holder` queues one to whoever holds a booking or registration.
 * - `private.booking_notice_payload` / `private.registration_notice_payload`: what a message says
 *   about a booking or a registration, so every kind describes them the same way and renders
 *   later without reading anything else.
 */

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  -- a booking
  'booking_confirmed', 'booking_cancelled', 'booking_reminder', 'guest_approved',
  -- an event
  'registration_confirmed', 'registration_waitlisted', 'waitlist_promoted', 'event_changed',
  'event_cancelled', 'event_reminder',
  -- proving an address before a shared-link request counts
  'link_proof',
  -- accounts (local accounts: Supabase sends its own)
  'account_invite', 'password_reset',
  -- the team's weekly digest
  'team_digest'));

/** The secret a message carries until it is sent (then deleted by the sender). */
create table private.notification_secrets (
  notification_id uuid primary key references public.notifications (id) on delete cascade,
  token text not null check (length(token) between 16 and 200)
);
alter table private.notification_secrets enable row level security;
revoke all on private.notification_secrets from public, anon, authenticated;

/** Optional messages a member declined (the others — confirmations, cancellations, proofs,
 * account links — are always sent: they are what the person asked for or must know). */
alter table public.members add column email_opt_out text[] not null default '{}'
  constraint members_email_opt_out_known check (email_opt_out <@ array['booking_reminder', 'event_reminder', 'team_digest']);

/**
 * Queue one message; returns its id, or null when it was not queued (an optional kind the member
 * declined, or one already queued for this booking/registration and kind).
 */
create or replace function private.queue_notice(
  p_kind text, p_to_email text, p_to_name text, p_locale text, p_payload jsonb,
  p_secret text default null, p_member_id uuid default null,
  p_booking_id uuid default null, p_registration_id uuid default null)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  v_id uuid;
begin
  if p_member_id is not null and exists (
      select 1 from public.members m where m.id = p_member_id and p_kind = any (m.email_opt_out)) then
    return null;
  end if;
  insert into public.notifications (kind, to_email, to_name, locale, payload, member_id, booking_id, registration_id)
  values (p_kind, p_to_email, p_to_name, coalesce(p_locale, (select default_language from public.settings)),
          coalesce(p_payload, '{}'::jsonb), p_member_id, p_booking_id, p_registration_id)
  on conflict do nothing
  returning id into v_id;
  if v_id is not null and p_secret is not null then
    insert into private.notification_secrets (notification_id, token) values (v_id, p_secret);
  end if;
  return v_id;
end
$$;
revoke all on function private.queue_notice(text, text, text, text, jsonb, text, uuid, uuid, uuid) from public;

/**
 * Queue a message to the holder of a booking or registration (`private.notice_recipient`: the
 * member in their language, or the guest); null when there is nobody to tell (an erased member)
 * or it was not queued (see `private.queue_notice`).
 */
create or replace function private.queue_notice_to_holder(
  p_kind text, p_member_id uuid, p_guest_email text, p_guest_name text, p_payload jsonb,
  p_booking_id uuid default null, p_registration_id uuid default null)
returns uuid
language sql security definer set search_path = ''
as $$
  select private.queue_notice(p_kind, r.email, r.full_name, r.locale, p_payload, null, p_member_id,
                              p_booking_id, p_registration_id)
    from private.notice_recipient(p_member_id, p_guest_email, p_guest_name) r
   where r.email is not null
$$;
revoke all on function private.queue_notice_to_holder(text, uuid, text, text, jsonb, uuid, uuid) from public;

/** What a message says about a booking: place, times, status, the space. */
create or replace function private.booking_notice_payload(b public.bookings) returns jsonb
language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'resource', r.name, 'resource_kind', r.kind, 'zone', z.name,
    'starts', lower(b.during), 'ends', upper(b.during), 'day', b.day, 'status', b.status,
    'time_zone', s.time_zone, 'space', s.space_name, 'guest', b.member_id is null, 'source', b.source)
  from public.resources r join public.zones z on z.id = r.zone_id cross join public.settings s
  where r.id = b.resource_id
$$;
revoke all on function private.booking_notice_payload(public.bookings) from public;

/** What a message says about a registration: the event, its times and room, the status. */
create or replace function private.registration_notice_payload(g public.registrations) returns jsonb
language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'event_id', e.id, 'title', e.title, 'starts', e.starts_at, 'ends', e.ends_at,
    'room', (select r.name from public.resources r where r.id = e.room_id),
    'status', g.status, 'time_zone', s.time_zone, 'space', s.space_name,
    'guest', g.member_id is null, 'source', g.source)
  from public.events e cross join public.settings s
  where e.id = g.event_id
$$;
revoke all on function private.registration_notice_payload(public.registrations) from public;
