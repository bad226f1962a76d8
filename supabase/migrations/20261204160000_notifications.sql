/**
 * Cantine notifications: an outbox of e-mails to send, filled by the database itself.
 *
 * When the team cancels someone's booking (a resource taken out of service, a closure, a staff
 * cancellation), the person must hear about it. A trigger on `bookings` queues one message per
 * booking cancelled by someone other than its holder, whoever made the change: the app, the
 * command line or any client of Supabase's REST API. lib/mail/notify.py sends the queue over SMTP
 * (`python -m lib notify send`, and the pages right after a cancellation). Events add two kinds:
 * an event cancelled (to each person whose registration it cancelled) and a place given from the
 * waitlist; lib/mail/messages.py writes their text.
 *
 * The payload holds everything the message says (resource, zone, times, reason, space), so a
 * message renders later without reading anything else, even if the resource was renamed since.
 * Nobody writes the outbox through the API; admins may read it. Erasing a member deletes their
 * messages.
 */

/** One e-mail to send (or sent, or given up), in its recipient's language. */
create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  kind text not null check (kind in ('booking_cancelled', 'event_cancelled', 'waitlist_promoted')),
  to_email text not null constraint notifications_to_email_valid
    check (to_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(to_email) <= 254),
  to_name text check (to_name is null or length(to_name) <= 200),
  locale text not null default 'fr' check (locale in ('fr', 'en')),
  payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
  booking_id uuid references public.bookings (id) on delete set null,
  -- whose message it is (null for a guest): erasure finds a member's messages by it
  member_id uuid references public.members (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  -- delivery attempts that reached the mail server (a server that does not answer is not the
  -- message's fault and does not count)
  attempts integer not null default 0 check (attempts between 0 and 1000),
  last_error text check (last_error is null or length(last_error) <= 1000),
  last_attempt_at timestamptz,
  sent_at timestamptz,
  -- the registration a message is about (events), as booking_id is the booking
  registration_id uuid references public.registrations (id) on delete set null,
  constraint notifications_sent_when_sent check ((status = 'sent') = (sent_at is not null))
);
-- the sender's queue, oldest first
create index notifications_pending_idx on public.notifications (created_at) where status = 'pending';
create index notifications_member_idx on public.notifications (member_id) where member_id is not null;
-- one message per booking and kind, even if a cancellation were replayed
create unique index notifications_once_idx on public.notifications (booking_id, kind) where booking_id is not null;
-- one message per registration and kind, even if a change were replayed
create unique index notifications_registration_once_idx on public.notifications (registration_id, kind)
  where registration_id is not null;

alter table public.notifications enable row level security;
-- only the owner (the sender, the triggers) writes; admins read through the policy below
revoke all on public.notifications from anon;
revoke insert, update, delete, truncate, trigger, references on public.notifications from authenticated;

create policy "Admins read the outbox" on public.notifications
  for select to authenticated using ((select private.is_admin()));

/**
 * Who a message about a booking or a registration goes to: the member, in their language (else
 * the space's), or the guest who gave a name and an address. No row for an erased member.
 */
create or replace function private.notice_recipient(p_member_id uuid, p_guest_email text, p_guest_name text)
returns table (email text, full_name text, locale text)
language sql stable security definer set search_path = ''
as $$
  select m.email::text, m.full_name, coalesce(m.locale, s.default_language)
    from public.members m cross join public.settings s
   where p_member_id is not null and m.id = p_member_id and m.erased_at is null
  union all
  select p_guest_email, p_guest_name, s.default_language
    from public.settings s
   where p_member_id is null and p_guest_email is not null
$$;
revoke all on function private.notice_recipient(uuid, text, text) from public;

/**
 * Trigger: queue a message when a booking becomes cancelled by someone other than its holder —
 * the team ('team'), a closure ('closure'), a resource taken out of service ('resource_inactive').
 * Not when the holder cancelled ('member', or 'link' through their manage link), nor for a desk
 * released because nobody came ('released'), nor for a booking already over. The recipient is
 * the member (their language, else the space's) or the guest who booked through a shared link.
 */
create or replace function private.queue_booking_cancelled() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  v_email text;
  v_name text;
  v_locale text;
  v_resource text;
  v_kind text;
  v_zone text;
  v_closure text;
begin
  if new.cancel_reason is null or new.cancel_reason not in ('team', 'closure', 'resource_inactive')
     or upper(new.during) <= now() then
    return null;
  end if;
  select * into s from public.settings;
  select r.email, r.full_name, r.locale into v_email, v_name, v_locale
    from private.notice_recipient(new.member_id, new.guest_email, new.guest_name) r;
  if v_email is null then
    return null;
  end if;
  select r.name, r.kind, z.name into v_resource, v_kind, v_zone
    from public.resources r join public.zones z on z.id = r.zone_id where r.id = new.resource_id;
  -- a closure on that day says why better than "the team cancelled" (the closure page cancels
  -- as the team)
  select c.reason into v_closure from public.closures c
   where new.day between c.starts_on and c.ends_on and (c.resource_id is null or c.resource_id = new.resource_id)
   order by c.resource_id nulls first limit 1;
  insert into public.notifications (kind, to_email, to_name, locale, payload, booking_id, member_id)
  values ('booking_cancelled', v_email, v_name, v_locale,
          jsonb_build_object(
            'resource', v_resource, 'resource_kind', v_kind, 'zone', v_zone,
            'starts', lower(new.during), 'ends', upper(new.during), 'day', new.day,
            'time_zone', s.time_zone, 'space', s.space_name,
            'reason', new.cancel_reason, 'closure_reason', v_closure,
            'was_pending', old.status = 'pending', 'guest', new.member_id is null),
          new.id, new.member_id)
  on conflict (booking_id, kind) where booking_id is not null do nothing;
  return null;
end
$$;
revoke all on function private.queue_booking_cancelled() from public;
create trigger bookings_queue_cancelled after update of status on public.bookings
  for each row when (new.status = 'cancelled' and old.status is distinct from 'cancelled')
  execute function private.queue_booking_cancelled();

/** Trigger: erasing a member deletes their messages, sent or not (and any sent to their address). */
create or replace function private.forget_member_notifications() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  delete from public.notifications n
   where n.member_id = old.id or lower(n.to_email) = lower(old.email::text);
  return null;
end
$$;
revoke all on function private.forget_member_notifications() from public;
create trigger members_forget_notifications after update of erased_at on public.members
  for each row when (old.erased_at is null and new.erased_at is not null)
  execute function private.forget_member_notifications();

/** Trigger: queue a message when an event's cancellation cancels a registration, or when a place
 * from the waitlist is given. The recipient is the member (their language, else the space's) or
 * the guest who registered through a shared link. Nothing for an event already over. */
create or replace function private.queue_registration_notice() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  e public.events;
  v_kind text;
  v_email text;
  v_name text;
  v_locale text;
  v_room text;
begin
  if new.status = 'cancelled' and new.cancel_reason = 'event_cancelled' then
    v_kind := 'event_cancelled';
  elsif old.status = 'waitlisted' and new.status = 'registered' then
    v_kind := 'waitlist_promoted';
  else
    return null;
  end if;
  select * into e from public.events where id = new.event_id;
  if e.ends_at <= now() then
    return null;
  end if;
  select * into s from public.settings;
  select r.email, r.full_name, r.locale into v_email, v_name, v_locale
    from private.notice_recipient(new.member_id, new.guest_email, new.guest_name) r;
  if v_email is null then
    return null;
  end if;
  select r.name into v_room from public.resources r where r.id = e.room_id;
  insert into public.notifications (kind, to_email, to_name, locale, payload, registration_id, member_id)
  values (v_kind, v_email, v_name, v_locale,
          jsonb_build_object('title', e.title, 'starts', e.starts_at, 'ends', e.ends_at, 'room', v_room,
                             'time_zone', s.time_zone, 'space', s.space_name, 'guest', new.member_id is null),
          new.id, new.member_id)
  on conflict (registration_id, kind) where registration_id is not null do nothing;
  return null;
end
$$;
revoke all on function private.queue_registration_notice() from public;
create trigger registrations_queue_notice after update of status on public.registrations
  for each row when (new.status is distinct from old.status)
  execute function private.queue_registration_notice();
