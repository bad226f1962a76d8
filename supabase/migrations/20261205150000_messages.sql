/**
 * Messages people expect (issue #11, the mail part): the triggers that queue the transactional
 * kinds, whoever made the change (the app, the command line, Supabase's REST API).
 *
 * - `booking_confirmed` when a booking is made in the app or by the team (`source <> 'link'`:
 *   a shared-link booking is confirmed by the proof step, which queues it with its manage link).
 * - `booking_cancelled` also when the person cancels (`member`, `link`), not only the team.
 * - `guest_approved` when the team approves a pending guest booking.
 * - `registration_confirmed` / `registration_waitlisted` on a registration made in the app.
 * - `event_changed` to each live registration when a published event moves (times, room) or is
 *   renamed, once per change.
 *
 * Every message goes through private.queue_notice (opt-outs, once per booking/registration and
 * kind) with the payloads of private.booking_notice_payload / registration_notice_payload.
 * Nothing is queued about something already over.
 */

/** Trigger: a booking made in the app or by the team tells its holder (a member or a guest). */
create or replace function private.queue_booking_confirmed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.source = 'link' or new.status = 'cancelled' or upper(new.during) <= now() then
    return null;
  end if;
  perform private.queue_notice_to_holder('booking_confirmed', new.member_id, new.guest_email, new.guest_name,
                                         private.booking_notice_payload(new), new.id);
  return null;
end
$$;
revoke all on function private.queue_booking_confirmed() from public;
create trigger bookings_queue_confirmed after insert on public.bookings
  for each row when (new.source <> 'link') execute function private.queue_booking_confirmed();

/** Trigger: the team approved a guest's pending booking. */
create or replace function private.queue_guest_approved() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if upper(new.during) <= now() then
    return null;
  end if;
  perform private.queue_notice_to_holder('guest_approved', new.member_id, new.guest_email, new.guest_name,
                                         private.booking_notice_payload(new), new.id);
  return null;
end
$$;
revoke all on function private.queue_guest_approved() from public;
create trigger bookings_queue_guest_approved after update of status on public.bookings
  for each row when (old.status = 'pending' and new.status = 'confirmed')
  execute function private.queue_guest_approved();

/**
 * Trigger (redefined): a booking cancelled tells its holder — by the team ('team'), a closure
 * ('closure'), a resource taken out of service ('resource_inactive'), and now by the person
 * themselves ('member' in the app, 'link' through a manage link: the e-mail is their receipt).
 * Not for a desk released because nobody came ('released'), nor for a booking already over.
 */
create or replace function private.queue_booking_cancelled() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_closure text;
begin
  if new.cancel_reason is null
     or new.cancel_reason not in ('team', 'closure', 'resource_inactive', 'member', 'link')
     or upper(new.during) <= now() then
    return null;
  end if;
  -- a closure on that day says why better than "the team cancelled" (the closure page cancels
  -- as the team)
  if new.cancel_reason in ('team', 'closure', 'resource_inactive') then
    select c.reason into v_closure from public.closures c
     where new.day between c.starts_on and c.ends_on and (c.resource_id is null or c.resource_id = new.resource_id)
     order by c.resource_id nulls first limit 1;
  end if;
  perform private.queue_notice_to_holder('booking_cancelled', new.member_id, new.guest_email, new.guest_name,
    private.booking_notice_payload(new) || jsonb_build_object(
      'reason', new.cancel_reason, 'closure_reason', v_closure, 'was_pending', old.status = 'pending'),
    new.id);
  return null;
end
$$;
revoke all on function private.queue_booking_cancelled() from public;

/** Trigger: a registration made in the app (or by the team) tells the person: a place, or the
 * waiting list. Shared-link registrations are told by the proof step (with their manage link). */
create or replace function private.queue_registration_made() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.source = 'link' or new.status not in ('registered', 'waitlisted')
     or (select e.ends_at from public.events e where e.id = new.event_id) <= now() then
    return null;
  end if;
  perform private.queue_notice_to_holder(
    case new.status when 'registered' then 'registration_confirmed' else 'registration_waitlisted' end,
    new.member_id, new.guest_email, new.guest_name, private.registration_notice_payload(new), null, new.id);
  return null;
end
$$;
revoke all on function private.queue_registration_made() from public;
create trigger registrations_queue_made after insert on public.registrations
  for each row when (new.source <> 'link') execute function private.queue_registration_made();

/**
 * Trigger: a published event moved or renamed tells each live registration (registered or
 * waiting), once per change. The outbox keeps one `event_changed` per registration (its unique
 * index), so a second change before the first message left merges into it (what changed since
 * the last message the person got: the oldest "from", the newest "to"; a change undone is
 * dropped), and after a message left, that sent row lets go of the registration (it stays in
 * the outbox, with its member) so the new change can be queued.
 */
create or replace function private.queue_event_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  g public.registrations;
  v_changes jsonb := '{}'::jsonb;
  v_earlier jsonb;
  v_merged jsonb;
  v_key text;
  v_email text;
  v_name text;
  v_locale text;
begin
  if new.status <> 'published' or old.status <> 'published' or new.ends_at <= now() then
    return null;
  end if;
  if new.starts_at is distinct from old.starts_at then
    v_changes := v_changes || jsonb_build_object('starts', jsonb_build_array(old.starts_at, new.starts_at));
  end if;
  if new.ends_at is distinct from old.ends_at then
    v_changes := v_changes || jsonb_build_object('ends', jsonb_build_array(old.ends_at, new.ends_at));
  end if;
  if new.room_id is distinct from old.room_id then
    v_changes := v_changes || jsonb_build_object('room', jsonb_build_array(
      (select r.name from public.resources r where r.id = old.room_id),
      (select r.name from public.resources r where r.id = new.room_id)));
  end if;
  if new.title is distinct from old.title then
    v_changes := v_changes || jsonb_build_object('title', jsonb_build_array(old.title, new.title));
  end if;
  if v_changes = '{}'::jsonb then
    return null;
  end if;
  for g in select * from public.registrations r
            where r.event_id = new.id and r.status in ('registered', 'waitlisted') loop
    select r.email, r.full_name, r.locale into v_email, v_name, v_locale
      from private.notice_recipient(g.member_id, g.guest_email, g.guest_name) r;
    continue when v_email is null;
    -- a message about an earlier change that has not left yet: merge it into this one
    delete from public.notifications n
     where n.registration_id = g.id and n.kind = 'event_changed' and n.status = 'pending'
    returning n.payload -> 'changes' into v_earlier;
    v_merged := v_changes;
    if v_earlier is not null then
      for v_key in select jsonb_object_keys(v_earlier) loop
        v_merged := v_merged || jsonb_build_object(v_key, jsonb_build_array(
          v_earlier -> v_key -> 0, coalesce(v_changes -> v_key -> 1, v_earlier -> v_key -> 1)));
      end loop;
      -- changed, then changed back: nothing to say about that one
      for v_key in select jsonb_object_keys(v_merged) loop
        if (v_merged -> v_key -> 0) = (v_merged -> v_key -> 1) then
          v_merged := v_merged - v_key;
        end if;
      end loop;
    end if;
    -- a message already sent (or given up) about an earlier change keeps its row, not the slot
    update public.notifications n set registration_id = null
     where n.registration_id = g.id and n.kind = 'event_changed';
    if v_merged <> '{}'::jsonb then
      perform private.queue_notice('event_changed', v_email, v_name, v_locale,
        private.registration_notice_payload(g) || jsonb_build_object('changes', v_merged),
        null, g.member_id, null, g.id);
    end if;
  end loop;
  return null;
end
$$;
revoke all on function private.queue_event_changed() from public;
create trigger events_queue_changed after update of starts_at, ends_at, room_id, title on public.events
  for each row execute function private.queue_event_changed();
