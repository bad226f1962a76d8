/**
 * Cantine events: talks, meetups and workshops in the space's rooms, and who registers for them
 * (members, or guests through a shared link sent in a newsletter).
 *
 * Every rule lives here, in the SQL API (register_for_event, link_register, cancel_registration,
 * link_unregister, mark_attended, cancel_event), each refusal raising its own message key
 * (`event.*`) that lib/core/errors.py translates. Nobody writes registrations directly: RLS lets
 * people read what they may see, and the functions do the writing. The team edits events
 * themselves in the table (RLS), and triggers check what an event may be (its room free, its
 * capacity not below who already has a place).
 *
 * Concurrency: registering, cancelling and promoting from the waitlist first lock the event row
 * (`select … for update`), so places are counted by one transaction at a time; the partial unique
 * index (one live registration per person and event) stays as the last line of defence. A
 * shared link's limits are counted under private.lock('event_link', …) first. An event and the
 * bookings of its room are serialised on private.lock('resource', room), the lock private.book
 * takes, so neither can slip past the other.
 *
 * Who is told about a cancelled event or a place from the waitlist: the notifications migration.
 */

-- btree_gist's operator classes live in `extensions`: the exclusion constraint below needs them.
set local search_path = public, extensions;

-- ------------------------------------------------------------------------------ tables

/** A talk, meetup or workshop. Drafts are seen by the team only; cancelling is final. */
create table public.events (
  id uuid primary key default gen_random_uuid(),
  title text not null constraint events_title_present check (length(btrim(title)) between 1 and 200),
  description text constraint events_description_length check (description is null or length(description) <= 5000),
  kind text not null default 'talk' check (kind in ('talk', 'meetup', 'workshop')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- a room of the space (resources of kind 'room', checked by a trigger); null: elsewhere or online
  room_id uuid references public.resources (id) on delete set null,
  capacity integer not null constraint events_capacity_positive check (capacity between 1 and 10000),
  status text not null default 'draft' check (status in ('draft', 'published', 'cancelled')),
  created_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  cancelled_at timestamptz,
  constraint events_order check (ends_at > starts_at),
  constraint events_length check (ends_at - starts_at <= interval '7 days'),
  -- two live events never share a room at the same time (the trigger says so first, in words)
  constraint events_room_overlap exclude using gist (room_id with =, tstzrange(starts_at, ends_at, '[)') with &&)
    where (status <> 'cancelled' and room_id is not null)
);
create index events_starts_idx on public.events (starts_at);
create index events_room_idx on public.events (room_id) where room_id is not null;

/**
 * Who speaks at an event: a member of the space where possible (so a member's page can list the
 * events they spoke at), else just a name. `name` is what the programme shows.
 */
create table public.event_speakers (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  member_id uuid references public.members (id) on delete set null,
  name text not null constraint event_speakers_name_present check (length(btrim(name)) between 1 and 200),
  position smallint not null default 0 check (position between 0 and 100)
);
create index event_speakers_event_idx on public.event_speakers (event_id, position);
create index event_speakers_member_idx on public.event_speakers (member_id) where member_id is not null;

/**
 * One person's place at an event: a member, or a guest (name and email) who came through a
 * shared link. `created_at` is the arrival order (the waitlist is served in it).
 */
create table public.registrations (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  member_id uuid references public.members (id) on delete cascade,
  -- the name typed on the shared link (a member's too: their manage link shows it back)
  guest_name text check (guest_name is null or length(btrim(guest_name)) between 1 and 200),
  guest_email text check (guest_email is null or (guest_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(guest_email) <= 254)),
  status text not null default 'registered' check (status in ('registered', 'waitlisted', 'cancelled', 'attended')),
  source text not null default 'app' check (source in ('app', 'link', 'admin')),
  share_link_id uuid references public.share_links (id) on delete set null,
  -- sha-256 of the private manage token given to link visitors (the token itself is never stored)
  token_hash text unique,
  registered_by uuid,
  created_at timestamptz not null default clock_timestamp(),
  waitlisted_at timestamptz,  -- joined the waitlist (kept after a promotion: the statistics count it)
  promoted_at timestamptz,    -- got a place from the waitlist
  attended_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text check (cancel_reason is null or cancel_reason in ('member', 'team', 'link', 'event_cancelled')),
  constraint registrations_who check (member_id is not null or (guest_name is not null and guest_email is not null))
);
-- one live registration per member, or per guest email, and event
create unique index registrations_one_live_idx on public.registrations
  (event_id, coalesce(member_id::text, guest_email)) where status <> 'cancelled';
-- places and the waitlist are counted per event and status, in arrival order
create index registrations_event_idx on public.registrations (event_id, status, created_at);
create index registrations_member_idx on public.registrations (member_id) where member_id is not null;
create index registrations_link_idx on public.registrations (share_link_id, created_at) where share_link_id is not null;

create trigger events_audit after insert or update or delete on public.events
  for each row execute function private.audit();
create trigger event_speakers_audit after insert or update or delete on public.event_speakers
  for each row execute function private.audit();
create trigger registrations_audit after insert or update or delete on public.registrations
  for each row execute function private.audit();
create trigger events_touch before update on public.events
  for each row execute function private.touch_updated_at();

-- ------------------------------------------------------------------------------ row-level security

alter table public.events enable row level security;
alter table public.event_speakers enable row level security;
alter table public.registrations enable row level security;

-- anonymous visitors reach events only through link_events / link_register
revoke all on public.events, public.event_speakers, public.registrations from anon;
-- registrations are written only through the functions below
revoke insert, update, delete, truncate, trigger, references on public.registrations from authenticated;
revoke truncate, trigger, references on public.events, public.event_speakers from authenticated;

create policy "Published events are readable by signed-in people, the team reads all" on public.events
  for select to authenticated using (
    (status <> 'draft' and (select private.current_role()) is not null) or (select private.is_team()));
create policy "Events are created by the team" on public.events
  for insert to authenticated with check ((select private.is_team()));
create policy "Events are changed by the team" on public.events
  for update to authenticated using ((select private.is_team())) with check ((select private.is_team()));
create policy "Draft events are deleted by the team" on public.events
  for delete to authenticated using ((select private.is_team()) and status = 'draft');

create policy "Speakers are readable with their event" on public.event_speakers
  for select to authenticated using (exists (select 1 from public.events e where e.id = event_id));
create policy "Speakers are added by the team" on public.event_speakers
  for insert to authenticated with check ((select private.is_team()));
create policy "Speakers are changed by the team" on public.event_speakers
  for update to authenticated using ((select private.is_team())) with check ((select private.is_team()));
create policy "Speakers are removed by the team" on public.event_speakers
  for delete to authenticated using ((select private.is_team()));

create policy "Members see their own registrations, the team sees all" on public.registrations
  for select to authenticated using (
    member_id = (select private.current_member_id()) or (select private.is_team()));

-- ------------------------------------------------------------------------------ triggers (rules on events)

/**
 * Trigger: what an event may be, whoever writes it (the app, the REST API). A room must be an
 * active room; a live event's room must be free — no live booking and no other live event over
 * that time — and hold the event's capacity; capacity never drops below the places already
 * given; a cancelled event stays cancelled. Serialised with bookings on the room's advisory lock.
 */
create or replace function private.events_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  r public.resources;
  v_taken integer;
  v_other text;
begin
  if tg_op = 'INSERT' then
    new.created_by := coalesce(new.created_by, private.current_member_id());
  end if;
  if tg_op = 'UPDATE' and old.status = 'cancelled' and new.status <> 'cancelled' then
    perform private.refuse('event.cancelled_final');
  end if;
  if new.status = 'published' and (tg_op = 'INSERT' or old.status <> 'published') then
    new.published_at := coalesce(new.published_at, now());
  end if;
  if new.status = 'cancelled' and (tg_op = 'INSERT' or old.status <> 'cancelled') then
    new.cancelled_at := now();
  end if;
  if new.ends_at <= new.starts_at then
    perform private.refuse('event.bad_range');
  end if;
  if tg_op = 'UPDATE' and new.capacity < old.capacity then
    select count(*) into v_taken from public.registrations
     where event_id = new.id and status in ('registered', 'attended');
    if new.capacity < v_taken then
      perform private.refuse('event.capacity_below', jsonb_build_object('n', v_taken));
    end if;
  end if;
  if new.room_id is null or new.status = 'cancelled' then
    return new;
  end if;
  select * into r from public.resources where id = new.room_id;
  if not found or r.kind <> 'room' or not r.active then
    perform private.refuse('event.room_invalid');
  end if;
  if new.capacity > r.capacity then
    perform private.refuse('event.capacity_over_room', jsonb_build_object('room', r.name, 'capacity', r.capacity));
  end if;
  if tg_op = 'UPDATE' and new.room_id is not distinct from old.room_id and new.starts_at = old.starts_at
     and new.ends_at = old.ends_at and old.status <> 'cancelled' then
    return new;  -- same room and time as before: nothing new to check
  end if;
  -- the lock private.book takes before looking at a resource's bookings
  perform private.lock('resource', r.id::text);
  select count(*) into v_taken from public.bookings b
   where b.resource_id = r.id and b.status <> 'cancelled'
     and b.during && tstzrange(new.starts_at, new.ends_at, '[)');
  if v_taken > 0 then
    perform private.refuse('event.room_booked', jsonb_build_object('room', r.name, 'n', v_taken));
  end if;
  select e.title into v_other from public.events e
   where e.room_id = r.id and e.id <> new.id and e.status <> 'cancelled'
     and tstzrange(e.starts_at, e.ends_at, '[)') && tstzrange(new.starts_at, new.ends_at, '[)')
   limit 1;
  if found then
    perform private.refuse('event.room_taken', jsonb_build_object('room', r.name, 'title', v_other));
  end if;
  return new;
end
$$;
revoke all on function private.events_check() from public;
create trigger events_check before insert or update on public.events
  for each row execute function private.events_check();

/**
 * Trigger: a room booking (desk and room booking, any client) is refused while a published event
 * holds that room. Runs inside private.book's lock on the resource (and takes it for other
 * writers), so an event published at the same moment is seen.
 */
create or replace function private.bookings_respect_events() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_title text;
begin
  if new.status = 'cancelled' then
    return new;
  end if;
  if tg_op = 'UPDATE' and new.status = old.status and new.during = old.during and new.resource_id = old.resource_id then
    return new;
  end if;
  if not exists (select 1 from public.events e where e.room_id = new.resource_id and e.status <> 'cancelled') then
    return new;  -- most resources (every desk) never hold an event: no lock needed
  end if;
  perform private.lock('resource', new.resource_id::text);
  select e.title into v_title from public.events e
   where e.room_id = new.resource_id and e.status = 'published'
     and tstzrange(e.starts_at, e.ends_at, '[)') && new.during
   order by e.starts_at limit 1;
  if found then
    perform private.refuse('booking.event_in_room', jsonb_build_object('title', v_title));
  end if;
  return new;
end
$$;
revoke all on function private.bookings_respect_events() from public;
create trigger bookings_respect_events before insert or update of during, status, resource_id on public.bookings
  for each row execute function private.bookings_respect_events();

/**
 * Give free places to the waitlist, first come first served, while the event is published and
 * has not started. The caller holds the event's row lock. Returns how many were promoted.
 */
create or replace function private.promote_waitlist(p_event_id uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  v_free integer;
  n integer;
begin
  select * into e from public.events where id = p_event_id;
  if not found or e.status <> 'published' or e.starts_at <= now() then
    return 0;
  end if;
  select e.capacity - count(*) into v_free from public.registrations
   where event_id = e.id and status in ('registered', 'attended');
  if v_free <= 0 then
    return 0;
  end if;
  update public.registrations r set status = 'registered', promoted_at = now()
   where r.id in (select w.id from public.registrations w
                   where w.event_id = e.id and w.status = 'waitlisted'
                   order by w.created_at, w.id limit v_free);
  get diagnostics n = row_count;
  return n;
end
$$;
revoke all on function private.promote_waitlist(uuid) from public;

/**
 * Trigger after an event changes: cancelling it cancels its live registrations (their holders are
 * told: private.queue_registration_notice); more capacity gives places to the waitlist.
 */
create or replace function private.events_after_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.status = 'cancelled' and old.status <> 'cancelled' then
    update public.registrations set status = 'cancelled', cancelled_at = now(), cancel_reason = 'event_cancelled'
     where event_id = new.id and status in ('registered', 'waitlisted');
  elsif new.capacity > old.capacity or (new.status = 'published' and old.status <> 'published') then
    perform private.promote_waitlist(new.id);
  end if;
  return null;
end
$$;
revoke all on function private.events_after_change() from public;
create trigger events_after_change after update of status, capacity on public.events
  for each row execute function private.events_after_change();

/** Trigger: erasing a member removes the names typed with their registrations and anonymises
 * them as a speaker (the events keep counting). */
create or replace function private.forget_member_events() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.registrations set guest_name = null where member_id = new.id and guest_name is not null;
  update public.event_speakers set name = '—' where member_id = new.id;
  return null;
end
$$;
revoke all on function private.forget_member_events() from public;
create trigger members_forget_events after update of erased_at on public.members
  for each row when (old.erased_at is null and new.erased_at is not null)
  execute function private.forget_member_events();

-- ------------------------------------------------------------------------------ registering

/**
 * The registration itself, shared by register_for_event and link_register: lock the event, check
 * it is open, refuse a second live registration, then a place or the waitlist.
 */
create or replace function private.register(p_event_id uuid, p_member_id uuid, p_guest_name text,
                                            p_guest_email text, p_source text, p_share_link_id uuid)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  v_taken integer;
  v_status text;
  v_existing text;
  reg public.registrations;
begin
  if p_event_id is null then
    perform private.refuse('event.not_found');
  end if;
  -- one registration at a time per event: the count below stays true until we commit
  select * into e from public.events where id = p_event_id for update;
  if not found or e.status = 'draft' then
    perform private.refuse('event.not_found');
  end if;
  if e.status = 'cancelled' then
    perform private.refuse('event.cancelled');
  end if;
  if e.starts_at <= now() then
    perform private.refuse('event.started');
  end if;
  select r.status into v_existing from public.registrations r
   where r.event_id = e.id and r.status <> 'cancelled'
     and ((p_member_id is not null and r.member_id = p_member_id)
          or (p_member_id is null and r.member_id is null and r.guest_email = lower(btrim(p_guest_email))));
  if found then
    perform private.refuse(case when v_existing = 'waitlisted' then 'event.already_waitlisted'
                                else 'event.already_registered' end);
  end if;
  select count(*) into v_taken from public.registrations
   where event_id = e.id and status in ('registered', 'attended');
  v_status := case when v_taken < e.capacity then 'registered' else 'waitlisted' end;
  begin
    insert into public.registrations (event_id, member_id, guest_name, guest_email, status, source, share_link_id,
                                      registered_by, created_at, waitlisted_at)
    values (e.id, p_member_id, nullif(btrim(p_guest_name), ''),
            case when p_member_id is null then lower(btrim(p_guest_email)) end, v_status, p_source,
            p_share_link_id, auth.uid(), clock_timestamp(),
            case when v_status = 'waitlisted' then clock_timestamp() end)
    returning * into reg;
  exception when unique_violation then
    perform private.refuse('event.already_registered');
  end;
  return reg;
end
$$;
revoke all on function private.register(uuid, uuid, text, text, text, uuid) from public;

/**
 * Register for a published event that has not started: oneself, or — admins and staff — another
 * member. When the event is full the registration joins the waitlist. Returns the registration.
 */
create or replace function public.register_for_event(p_event_id uuid, p_member_id uuid default null)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := private.current_member_id();
  target uuid := coalesce(p_member_id, me);
begin
  if me is null then
    perform private.refuse('event.sign_in');
  end if;
  if target <> me and not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  if not exists (select 1 from public.members m where m.id = target and m.active) then
    perform private.refuse('event.member_inactive');
  end if;
  return private.register(p_event_id, target, null, null, case when target <> me then 'admin' else 'app' end, null);
end
$$;
revoke all on function public.register_for_event(uuid, uuid) from public, anon;
grant execute on function public.register_for_event(uuid, uuid) to authenticated, service_role;

/**
 * The shared-link path, for anyone holding a link made for events: validates the link and its
 * abuse limits (registrations a day through the link, and per address a day, `+tags` counted as
 * one address), registers as the member who has this email or as a guest, and returns the
 * private manage token — shown once, only its hash is kept.
 */
create or replace function public.link_register(p_token text, p_event_id uuid, p_email text, p_full_name text)
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
  v_since timestamptz;
  v_count integer;
  reg public.registrations;
  v_token text := private.new_token();
begin
  l := private.share_link_check(p_token, 'events');
  select * into s from public.settings;
  perform private.check_link_visitor(v_email, v_name);
  v_key := private.email_key(v_email);
  v_since := date_trunc('day', now() at time zone s.time_zone) at time zone s.time_zone;
  -- counting then inserting must not interleave with another visitor of the same link
  perform private.lock('event_link', l.id::text);
  select count(*) into v_count from public.registrations where share_link_id = l.id and created_at >= v_since;
  if v_count >= l.max_per_day then
    perform private.refuse('event.link_limit');
  end if;
  select count(*) into v_count from public.registrations x
   where x.share_link_id is not null and x.created_at >= v_since
     and (private.email_key(x.guest_email) = v_key
          or x.member_id in (select m.id from public.members m where private.email_key(m.email::text) = v_key));
  if v_count >= l.max_per_email_per_day then
    perform private.refuse('event.link_email_limit', jsonb_build_object('max', l.max_per_email_per_day));
  end if;
  select * into v_member from public.members m where m.email operator(extensions.=) v_email::extensions.citext;
  if found and v_member.active then
    -- the name typed is kept with the registration: the manage link shows it back, never the member's own
    reg := private.register(p_event_id, v_member.id, v_name, null, 'link', l.id);
  else
    reg := private.register(p_event_id, null, v_name, v_email, 'link', l.id);
  end if;
  update public.registrations set token_hash = private.token_hash(v_token) where id = reg.id;
  return v_token;
end
$$;
revoke all on function public.link_register(text, uuid, text, text) from public, anon;
grant execute on function public.link_register(text, uuid, text, text) to anon, authenticated, service_role;

/** The upcoming published events a shared link shows, with places left (no names but the speakers'). */
create or replace function public.link_events(p_token text)
returns table (event_id uuid, title text, description text, kind text, starts_at timestamptz, ends_at timestamptz,
               room_name text, capacity integer, places_left integer, waitlisted integer, speakers text,
               link_label text, space_name text, time_zone text)
language plpgsql stable security definer set search_path = ''
as $$
declare
  l public.share_links := private.share_link_check(p_token, 'events');
begin
  return query
    select e.id, e.title, e.description, e.kind, e.starts_at, e.ends_at, r.name, e.capacity,
           greatest(e.capacity - coalesce(c.taken, 0), 0)::integer, coalesce(c.waiting, 0)::integer,
           (select string_agg(sp.name, ', ' order by sp.position, sp.name) from public.event_speakers sp
             where sp.event_id = e.id),
           l.label, s.space_name, s.time_zone
      from public.events e
      cross join public.settings s
      left join public.resources r on r.id = e.room_id
      left join lateral (select count(*) filter (where x.status in ('registered', 'attended')) as taken,
                                count(*) filter (where x.status = 'waitlisted') as waiting
                           from public.registrations x where x.event_id = e.id) c on true
     where e.status = 'published' and e.starts_at > now() and e.starts_at < now() + interval '180 days'
     order by e.starts_at
     limit 100;
end
$$;
revoke all on function public.link_events(text) from public, anon;
grant execute on function public.link_events(text) to anon, authenticated, service_role;

/**
 * The coming published events for a signed-in person, with places left and the waiting list
 * counted over everyone's registrations (which RLS would hide from a member), and the person's
 * own registration: its id, status and place on the waiting list. Nobody else is named.
 */
create or replace function public.upcoming_events(p_limit integer default 100)
returns table (event_id uuid, title text, description text, kind text, starts_at timestamptz, ends_at timestamptz,
               room_name text, capacity integer, places_left integer, waitlisted integer, speakers text,
               my_registration_id uuid, my_status text, my_position integer)
language sql stable security definer set search_path = ''
as $$
  select e.id, e.title, e.description, e.kind, e.starts_at, e.ends_at, r.name, e.capacity,
         greatest(e.capacity - c.taken, 0)::integer, c.waiting::integer,
         (select string_agg(sp.name, ', ' order by sp.position, sp.name) from public.event_speakers sp
           where sp.event_id = e.id),
         mine.id, mine.status,
         case when mine.status = 'waitlisted' then
           (select count(*) from public.registrations w where w.event_id = e.id and w.status = 'waitlisted'
               and (w.created_at, w.id) <= (mine.created_at, mine.id))::integer end
    from public.events e
    left join public.resources r on r.id = e.room_id
    cross join lateral (select count(*) filter (where x.status in ('registered', 'attended')) as taken,
                               count(*) filter (where x.status = 'waitlisted') as waiting
                          from public.registrations x where x.event_id = e.id) c
    left join lateral (select x.id, x.status, x.created_at from public.registrations x
                        where x.event_id = e.id and x.member_id = private.current_member_id()
                          and x.status <> 'cancelled' limit 1) mine on true
   where private.current_role() is not null and e.status = 'published' and e.ends_at > now()
   order by e.starts_at
   limit least(greatest(coalesce(p_limit, 100), 1), 500)
$$;
revoke all on function public.upcoming_events(integer) from public, anon;
grant execute on function public.upcoming_events(integer) to authenticated, service_role;

/** What a manage link shows: the registration it manages and the name typed — nothing from the
 * member record (whoever typed a member's email must not learn their name). */
create or replace function public.link_registration(p_manage_token text)
returns table (registration_id uuid, event_id uuid, title text, starts_at timestamptz, ends_at timestamptz,
               room_name text, status text, full_name text, event_status text, time_zone text)
language sql stable security definer set search_path = ''
as $$
  select x.id, e.id, e.title, e.starts_at, e.ends_at, r.name, x.status, x.guest_name, e.status,
         (select s.time_zone from public.settings s)
    from public.registrations x
    join public.events e on e.id = x.event_id
    left join public.resources r on r.id = e.room_id
   where x.token_hash = private.token_hash(p_manage_token) and p_manage_token is not null
$$;
revoke all on function public.link_registration(text) from public, anon;
grant execute on function public.link_registration(text) to anon, authenticated, service_role;

/**
 * Cancel a registration and, if it held a place, give that place to the first on the waitlist
 * in the same transaction. The caller has found the registration and may cancel it.
 */
create or replace function private.unregister(p_registration_id uuid, p_reason text, p_team boolean)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  reg public.registrations;
begin
  -- the event first (as registering does), then the registration: never the other order
  select ev.* into e from public.events ev join public.registrations x on x.event_id = ev.id
   where x.id = p_registration_id for update of ev;
  select * into reg from public.registrations where id = p_registration_id for update;
  if reg.status = 'cancelled' then
    perform private.refuse('event.already_cancelled');
  end if;
  if reg.status = 'attended' then
    perform private.refuse('event.cancel_attended');
  end if;
  if e.starts_at <= now() and not p_team then
    perform private.refuse('event.cancel_started');
  end if;
  update public.registrations set status = 'cancelled', cancelled_at = now(), cancel_reason = p_reason
   where id = reg.id returning * into reg;
  perform private.promote_waitlist(e.id);
  return reg;
end
$$;
revoke all on function private.unregister(uuid, text, boolean) from public;

/** Cancel one's own registration (the team: anyone's). Promotes the first waitlisted. */
create or replace function public.cancel_registration(p_registration_id uuid)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := private.current_member_id();
  team boolean := private.is_team();
  reg public.registrations;
begin
  select * into reg from public.registrations where id = p_registration_id;
  if not found or me is null or (not team and reg.member_id is distinct from me) then
    perform private.refuse('event.registration_not_found');
  end if;
  return private.unregister(reg.id, case when reg.member_id is not distinct from me then 'member' else 'team' end,
                            team);
end
$$;
revoke all on function public.cancel_registration(uuid) from public, anon;
grant execute on function public.cancel_registration(uuid) to authenticated, service_role;

/** Cancel the registration a manage token manages. Returns its new status. */
create or replace function public.link_unregister(p_manage_token text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  reg public.registrations;
begin
  select * into reg from public.registrations where token_hash = private.token_hash(p_manage_token);
  if not found or p_manage_token is null then
    perform private.refuse('link.manage_unknown');
  end if;
  reg := private.unregister(reg.id, 'link', false);
  return reg.status;
end
$$;
revoke all on function public.link_unregister(text) from public, anon;
grant execute on function public.link_unregister(text) to anon, authenticated, service_role;

/** The team checks someone off as present (or, p_attended false, undoes it), from the event's start. */
create or replace function public.mark_attended(p_registration_id uuid, p_attended boolean default true)
returns public.registrations
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  reg public.registrations;
begin
  if not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  select ev.* into e from public.events ev join public.registrations x on x.event_id = ev.id
   where x.id = p_registration_id for update of ev;
  if not found then
    perform private.refuse('event.registration_not_found');
  end if;
  select * into reg from public.registrations where id = p_registration_id for update;
  if e.status = 'cancelled' then
    perform private.refuse('event.cancelled');
  end if;
  if e.starts_at > now() then
    perform private.refuse('event.attend_too_early');
  end if;
  if reg.status = 'cancelled' then
    perform private.refuse('event.attend_cancelled');
  end if;
  if p_attended then
    if reg.status = 'attended' then
      perform private.refuse('event.already_attended');
    end if;
    -- someone from the waitlist who came anyway (a place freed at the door) is checked off too
    update public.registrations set status = 'attended', attended_at = now() where id = reg.id returning * into reg;
  else
    if reg.status <> 'attended' then
      perform private.refuse('event.not_attended');
    end if;
    update public.registrations set status = 'registered', attended_at = null where id = reg.id returning * into reg;
  end if;
  return reg;
end
$$;
revoke all on function public.mark_attended(uuid, boolean) from public, anon;
grant execute on function public.mark_attended(uuid, boolean) to authenticated, service_role;

/** The team cancels an event: its live registrations are cancelled (and told). Returns how many. */
create or replace function public.cancel_event(p_event_id uuid)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  e public.events;
  n integer;
begin
  if auth.uid() is not null and not private.is_team() then
    perform private.refuse('event.team_only');
  end if;
  select * into e from public.events where id = p_event_id for update;
  if not found then
    perform private.refuse('event.not_found');
  end if;
  if e.status = 'cancelled' then
    perform private.refuse('event.already_cancelled_event');
  end if;
  if e.ends_at <= now() then
    perform private.refuse('event.over');
  end if;
  select count(*) into n from public.registrations where event_id = e.id and status in ('registered', 'waitlisted');
  update public.events set status = 'cancelled' where id = e.id;
  return n;
end
$$;
revoke all on function public.cancel_event(uuid) from public, anon;
grant execute on function public.cancel_event(uuid) to authenticated, service_role;

-- ------------------------------------------------------------------------------ statistics

/**
 * For the dashboards (the board and the team): one row per event held — published, not
 * cancelled — starting in [p_from, p_to] (local days), with counts only, never people.
 * fill_rate = places taken ÷ capacity; attendance_rate = attended ÷ places taken, for events that
 * have started (null before); waitlisted_ever counts everyone who queued, promoted or not.
 */
create or replace function public.event_stats(p_from date, p_to date)
returns table (event_id uuid, title text, kind text, starts_at timestamptz, room_name text, capacity integer,
               registrations integer, attended integer, waitlisted integer, waitlisted_ever integer,
               promoted integer, cancelled integer, fill_rate numeric, attendance_rate numeric)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_tz text := (select s.time_zone from public.settings s);
begin
  if not (auth.uid() is null and coalesce(auth.role(), '') not in ('anon', 'authenticated'))
     and not coalesce(private.current_role() in ('admin', 'staff', 'board'), false) then
    perform private.refuse('event.stats_forbidden');
  end if;
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 3 * 366 then
    perform private.refuse('event.stats_period');
  end if;
  return query
    select e.id, e.title, e.kind, e.starts_at, r.name, e.capacity,
           c.taken::integer, c.came::integer, c.waiting::integer, c.queued::integer, c.promoted::integer,
           c.gone::integer,
           round(c.taken::numeric / e.capacity, 4),
           case when e.starts_at <= now() and c.taken > 0 then round(c.came::numeric / c.taken, 4) end
      from public.events e
      left join public.resources r on r.id = e.room_id
      cross join lateral (
        select count(*) filter (where x.status in ('registered', 'attended')) as taken,
               count(*) filter (where x.status = 'attended') as came,
               count(*) filter (where x.status = 'waitlisted') as waiting,
               count(*) filter (where x.waitlisted_at is not null) as queued,
               count(*) filter (where x.promoted_at is not null) as promoted,
               count(*) filter (where x.status = 'cancelled') as gone
          from public.registrations x where x.event_id = e.id) c
     where e.status = 'published'
       and e.starts_at >= (p_from::timestamp at time zone v_tz)
       and e.starts_at < ((p_to + 1)::timestamp at time zone v_tz)
     order by e.starts_at;
end
$$;
revoke all on function public.event_stats(date, date) from public, anon;
grant execute on function public.event_stats(date, date) to authenticated, service_role;
