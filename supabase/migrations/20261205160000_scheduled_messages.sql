/**
 * Scheduled and account messages (issue #11, "sched"), all through the outbox:
 *
 * - `public.queue_reminders()`: the day before, a `booking_reminder` for each confirmed booking and
 *   an `event_reminder` for each place at a published event, tomorrow in the space's time zone;
 * - `public.queue_weekly_digest()`: from Monday, one `team_digest` per active admin or staff member
 *   for the week (Monday to Sunday), once per week and person;
 * - `public.queue_account_link(p_token)`: an invitation or reset link of a local account, by e-mail;
 * - `public.set_email_opt_out(p_kinds)`: a member chooses which optional messages they receive,
 *   for themselves only (a direct update of `members.email_opt_out` through the API is refused).
 *
 * Each queueing function is cheap and changes nothing when called again (the outbox's unique
 * indexes, and `not exists` so repeated calls do not even try): a sender may call it every few
 * minutes. Opt-outs are honoured by private.queue_notice. Guests (shared links) have no account to
 * opt out with: they stop reminders by cancelling through their manage link.
 */

/** Who may run the scheduled jobs: the owner (the sender, the command line) or an admin. The
 * `role` setting is the caller's API role even inside a security definer function. */
create or replace function private.require_owner_or_admin() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if (auth.uid() is not null or current_setting('role', true) in ('anon', 'authenticated'))
     and not private.is_admin() then
    raise exception 'notify.admin_only' using errcode = 'P0001';
  end if;
end
$$;
revoke all on function private.require_owner_or_admin() from public;

-- ------------------------------------------------------------------------------ reminders

/**
 * Queue tomorrow's reminders (the space's local day); returns how many were queued. Only
 * confirmed bookings (not pending nor cancelled) and places held ('registered') at published
 * events. The recipient is the member (their language) or the guest; erased members get nothing.
 */
create or replace function public.queue_reminders() returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  v_tomorrow date;
  v_queued integer := 0;
  b public.bookings;
  g public.registrations;
begin
  perform private.require_owner_or_admin();
  select * into s from public.settings;
  v_tomorrow := (now() at time zone s.time_zone)::date + 1;
  for b in
    select bk.* from public.bookings bk
     where bk.day = v_tomorrow and bk.status = 'confirmed' and lower(bk.during) > now()
       and not exists (select 1 from public.notifications n
                        where n.booking_id = bk.id and n.kind = 'booking_reminder')
  loop
    if private.queue_notice_to_holder('booking_reminder', b.member_id, b.guest_email, b.guest_name,
                                      private.booking_notice_payload(b), b.id) is not null then
      v_queued := v_queued + 1;
    end if;
  end loop;
  for g in
    select rg.* from public.registrations rg join public.events e on e.id = rg.event_id
     where e.status = 'published' and rg.status = 'registered'
       and (e.starts_at at time zone s.time_zone)::date = v_tomorrow and e.starts_at > now()
       and not exists (select 1 from public.notifications n
                        where n.registration_id = rg.id and n.kind = 'event_reminder')
  loop
    if private.queue_notice_to_holder('event_reminder', g.member_id, g.guest_email, g.guest_name,
                                      private.registration_notice_payload(g), null, g.id) is not null then
      v_queued := v_queued + 1;
    end if;
  end loop;
  return v_queued;
end
$$;
revoke all on function public.queue_reminders() from public, anon;
grant execute on function public.queue_reminders() to authenticated, service_role;

-- ------------------------------------------------------------------------------ the team's digest

-- one digest per person and week, however often the job runs
create unique index notifications_digest_once_idx on public.notifications (member_id, (payload ->> 'week_start'))
  where kind = 'team_digest';

/**
 * Queue the team's weekly digest for the current week (Monday to Sunday, the space's local days),
 * once per active admin or staff member who did not decline it; returns how many were queued.
 * Run from Monday on, it tells the team the week ahead: bookings per day, events with their
 * places taken, guests' bookings waiting for approval. Members who are not team never get it.
 */
create or replace function public.queue_weekly_digest() returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  v_start date;
  v_end date;
  v_payload jsonb;
  v_queued integer := 0;
  m record;
begin
  perform private.require_owner_or_admin();
  select * into s from public.settings;
  v_start := date_trunc('week', (now() at time zone s.time_zone)::date)::date;
  v_end := v_start + 6;
  -- nothing to build when everyone already has this week's (the common case: a job every minutes)
  if not exists (
      select 1 from public.members mm
       where mm.role in ('admin', 'staff') and mm.active and mm.erased_at is null
         and not ('team_digest' = any (mm.email_opt_out))
         and not exists (select 1 from public.notifications n
                          where n.kind = 'team_digest' and n.member_id = mm.id
                            and n.payload ->> 'week_start' = v_start::text)) then
    return 0;
  end if;
  v_payload := jsonb_build_object(
    'space', s.space_name, 'time_zone', s.time_zone,
    'week_start', v_start::text, 'week_end', v_end::text,
    'days', (select jsonb_agg(jsonb_build_object(
                      'day', d::date::text,
                      'desk_bookings', (select count(*) from public.bookings b join public.resources r on r.id = b.resource_id
                                         where b.day = d::date and b.status = 'confirmed' and r.kind = 'desk'),
                      'room_bookings', (select count(*) from public.bookings b join public.resources r on r.id = b.resource_id
                                         where b.day = d::date and b.status = 'confirmed' and r.kind = 'room'))
                    order by d)
               from generate_series(v_start, v_end, interval '1 day') d),
    'events', coalesce((select jsonb_agg(jsonb_build_object(
                          'title', e.title, 'starts', e.starts_at,
                          'registered', (select count(*) from public.registrations g
                                          where g.event_id = e.id and g.status in ('registered', 'attended')),
                          'capacity', e.capacity) order by e.starts_at)
                          from public.events e
                         where e.status = 'published'
                           and (e.starts_at at time zone s.time_zone)::date between v_start and v_end), '[]'::jsonb),
    'guests_waiting', (select count(*) from public.bookings b
                        where b.status = 'pending' and b.member_id is null and upper(b.during) > now()));
  for m in
    select mm.id, mm.email::text as email, mm.full_name, mm.locale from public.members mm
     where mm.role in ('admin', 'staff') and mm.active and mm.erased_at is null
  loop
    -- queue_notice skips those who declined; the unique index above, a second digest this week
    if private.queue_notice('team_digest', m.email, m.full_name, m.locale, v_payload, null, m.id) is not null then
      v_queued := v_queued + 1;
    end if;
  end loop;
  return v_queued;
end
$$;
revoke all on function public.queue_weekly_digest() from public, anon;
grant execute on function public.queue_weekly_digest() to authenticated, service_role;

-- ------------------------------------------------------------------------------ account links

/**
 * An admin has just issued an invitation or a reset link (public.invite_member,
 * public.issue_password_reset, which keep only the token's hash): queue the e-mail carrying it.
 * The raw token is what the caller gives; it must be the account's current, unused link, so no
 * other secret can be mailed this way. An older link's message still waiting is dropped (that
 * link no longer works). Returns the message's id.
 */
create or replace function public.queue_account_link(p_token text) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  tok record;
  m record;
  v_space text;
  v_kind text;
begin
  if not private.is_admin() then
    raise exception 'account.admin_only' using errcode = 'P0001';
  end if;
  select t.user_id, t.purpose, t.expires_at into tok from private.password_tokens t
   where t.token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
     and t.used_at is null and t.expires_at > now();
  if tok.user_id is null then
    raise exception 'account.link_invalid' using errcode = 'P0001';
  end if;
  select mm.id, mm.email::text as email, mm.full_name, mm.role, mm.locale into m
    from public.members mm where mm.user_id = tok.user_id and mm.erased_at is null;
  if m.id is null then
    raise exception 'account.no_account' using errcode = 'P0001';
  end if;
  v_kind := case tok.purpose when 'invite' then 'account_invite' else 'password_reset' end;
  delete from public.notifications n
   where n.member_id = m.id and n.kind in ('account_invite', 'password_reset') and n.status = 'pending';
  select space_name into v_space from public.settings;
  return private.queue_notice(
    v_kind, m.email, m.full_name, m.locale,
    case v_kind
      when 'account_invite' then jsonb_build_object('space', v_space, 'full_name', m.full_name, 'role', m.role,
                                                    'expires_at', tok.expires_at)
      else jsonb_build_object('space', v_space, 'expires_at', tok.expires_at) end,
    p_token, m.id);
end
$$;
revoke all on function public.queue_account_link(text) from public, anon;
grant execute on function public.queue_account_link(text) to authenticated, service_role;

-- ------------------------------------------------------------------------------ opt-outs

/**
 * A signed-in member chooses the optional messages they decline (`booking_reminder`,
 * `event_reminder`, `team_digest`), for themselves only; returns what is now declined.
 */
create or replace function public.set_email_opt_out(p_kinds text[]) returns text[]
language plpgsql security definer set search_path = ''
as $$
declare
  v_me uuid := private.current_member_id();
  v_kinds text[];
begin
  if v_me is null then
    raise exception 'notify.opt_out_no_member' using errcode = 'P0001';
  end if;
  select coalesce(array_agg(distinct k order by k), '{}') into v_kinds
    from unnest(coalesce(p_kinds, '{}')) k;
  if not v_kinds <@ array['booking_reminder', 'event_reminder', 'team_digest'] then
    raise exception 'notify.opt_out_unknown' using errcode = 'P0001';
  end if;
  update public.members set email_opt_out = v_kinds where id = v_me;
  return v_kinds;
end
$$;
revoke all on function public.set_email_opt_out(text[]) from public, anon;
grant execute on function public.set_email_opt_out(text[]) to authenticated, service_role;

/**
 * Trigger (runs as the caller): a member's choice of messages is theirs. The API roles may not
 * change `email_opt_out` directly — not even a member on their own row (the policy lets them
 * update it, and staff anyone's but admins'); public.set_email_opt_out does it for oneself.
 */
create or replace function private.guard_email_opt_out() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user in ('anon', 'authenticated') and new.email_opt_out is distinct from old.email_opt_out then
    raise exception 'notify.opt_out_own' using errcode = 'P0001';
  end if;
  return new;
end
$$;
revoke all on function private.guard_email_opt_out() from public;
grant execute on function private.guard_email_opt_out() to authenticated;
create trigger members_guard_email_opt_out before update of email_opt_out on public.members
  for each row execute function private.guard_email_opt_out();
