/**
 * Nothing is lost by a click: history is retired, never cascaded away (issue #12).
 *
 * Until now, deleting a desk deleted its bookings (on delete cascade), deleting a plan emptied
 * its members' plan (set null), deleting a room left its events without a room, deleting a
 * skill stripped it from every profile, and deleting a member or an event took their bookings,
 * registrations and sent messages along. Each foreign key below was decided:
 *
 * - child rows that are history now hold their parent (`on delete restrict`): bookings (of a
 *   resource, of a member), registrations (of an event, of a member), messages sent to a member,
 *   events held in a room, members on a plan, members' skills and wishes (of a skill);
 * - a parent that has such rows is retired instead of deleted, with what it already has:
 *   resources, zones and plans `active`, events `status = 'cancelled'`, members `active`
 *   (erasure anonymises the row: public.erase_member); a skill in use is merged into another
 *   (public.merge_skills, which moves every link first);
 * - a trigger (private.keep_history) refuses such a delete first, with a key saying what to do
 *   instead, for every client (the app, the REST API, the command line): the foreign keys stay as
 *   the last line of defence.
 *
 * Kept as they were, and why:
 * - closures.resource_id cascades: a resource that may be deleted was never booked, so its
 *   closures explain nothing that happened; a retired resource keeps them;
 * - member_skills / member_wanted_skills.member_id and visibility_history.member_id cascade: a
 *   member's current skill list, wishes and consent history belong to the person and go with
 *   them, as public.erase_member already deletes them; a member who may be deleted has no
 *   booking, registration or message;
 * - event_speakers.event_id cascades: the programme lines of an event that may be deleted (a
 *   draft without registrations) are part of it; speakers' member_id stays `set null` (the name
 *   shown is kept);
 * - private.account_sessions and private.password_tokens cascade with auth.users: session
 *   numbers and one-time links are not history, and the member row stays (members.user_id is
 *   `set null`);
 * - created_by, share_link_id, booking_id, registration_id (`set null`): who or what made a row is
 *   a detail whose parent is rarely deleted; the row itself stays.
 */

-- ------------------------------------------------------------------------------ foreign keys

alter table public.bookings
  drop constraint bookings_resource_id_fkey,
  add constraint bookings_resource_id_fkey foreign key (resource_id)
    references public.resources (id) on delete restrict,
  drop constraint bookings_member_id_fkey,
  add constraint bookings_member_id_fkey foreign key (member_id)
    references public.members (id) on delete restrict;

alter table public.registrations
  drop constraint registrations_event_id_fkey,
  add constraint registrations_event_id_fkey foreign key (event_id)
    references public.events (id) on delete restrict,
  drop constraint registrations_member_id_fkey,
  add constraint registrations_member_id_fkey foreign key (member_id)
    references public.members (id) on delete restrict;

-- an event's room is part of what happened; the room is retired (active = false), not deleted
alter table public.events
  drop constraint events_room_id_fkey,
  add constraint events_room_id_fkey foreign key (room_id)
    references public.resources (id) on delete restrict;

-- messages sent are history; erasure deletes a member's messages itself
-- (private.forget_member_notifications)
alter table public.notifications
  drop constraint notifications_member_id_fkey,
  add constraint notifications_member_id_fkey foreign key (member_id)
    references public.members (id) on delete restrict;

-- which plan a member holds: deleting the plan used to empty it silently
alter table public.members
  drop constraint members_plan_id_fkey,
  add constraint members_plan_id_fkey foreign key (plan_id)
    references public.plans (id) on delete restrict;

-- a skill in use is merged into another (links moved), never deleted from under the profiles
alter table public.member_skills
  drop constraint member_skills_skill_id_fkey,
  add constraint member_skills_skill_id_fkey foreign key (skill_id)
    references public.skills (id) on delete restrict;
alter table public.member_wanted_skills
  drop constraint member_wanted_skills_skill_id_fkey,
  add constraint member_wanted_skills_skill_id_fkey foreign key (skill_id)
    references public.skills (id) on delete restrict;

-- ------------------------------------------------------------------------------ refusals

/**
 * Trigger (before delete): a row that history hangs on is not deleted; the refusal says what to
 * do instead (retire it, merge it, cancel it). Security definer: the check must see every child
 * row, whoever deletes (row-level security may hide some of them from the caller). Counts go in
 * the message so a person sees what would have been lost.
 */
create or replace function private.keep_history() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_name text := coalesce(to_jsonb(old) ->> 'name', to_jsonb(old) ->> 'title', to_jsonb(old) ->> 'code');
  n bigint;
begin
  if tg_table_name = 'resources' then
    select (select count(*) from public.bookings b where b.resource_id = old.id)
         + (select count(*) from public.events e where e.room_id = old.id) into n;
    if n > 0 then
      perform private.refuse('booking.resource_has_history', jsonb_build_object('name', v_name, 'n', n));
    end if;
  elsif tg_table_name = 'zones' then
    select count(*) into n from public.resources r where r.zone_id = old.id;
    if n > 0 then
      perform private.refuse('booking.zone_has_resources', jsonb_build_object('name', v_name, 'n', n));
    end if;
  elsif tg_table_name = 'plans' then
    select count(*) into n from public.members m where m.plan_id = old.id;
    if n > 0 then
      perform private.refuse('plan.in_use', jsonb_build_object('name', v_name, 'n', n));
    end if;
  elsif tg_table_name = 'skills' then
    if exists (select 1 from public.member_skills ms where ms.skill_id = old.id)
       or exists (select 1 from public.member_wanted_skills mw where mw.skill_id = old.id) then
      perform private.refuse('directory.skill_in_use');
    end if;
  elsif tg_table_name = 'events' then
    select count(*) into n from public.registrations r where r.event_id = old.id;
    if n > 0 then
      perform private.refuse('event.has_registrations', jsonb_build_object('name', v_name, 'n', n));
    end if;
  elsif tg_table_name = 'members' then
    if exists (select 1 from public.bookings b where b.member_id = old.id)
       or exists (select 1 from public.registrations r where r.member_id = old.id)
       or exists (select 1 from public.notifications x where x.member_id = old.id) then
      perform private.refuse('member.has_history');
    end if;
  end if;
  return old;
end
$$;
revoke all on function private.keep_history() from public, anon, authenticated;

create trigger resources_keep_history before delete on public.resources
  for each row execute function private.keep_history();
create trigger zones_keep_history before delete on public.zones
  for each row execute function private.keep_history();
create trigger plans_keep_history before delete on public.plans
  for each row execute function private.keep_history();
create trigger skills_keep_history before delete on public.skills
  for each row execute function private.keep_history();
create trigger events_keep_history before delete on public.events
  for each row execute function private.keep_history();
create trigger members_keep_history before delete on public.members
  for each row execute function private.keep_history();

-- ------------------------------------------------------------------------------ merging skills

/**
 * Merge skill `p_from` into `p_into` (admins): every member's link moves, keeping the higher
 * level when a member had both; wanted skills move too; then `p_from` disappears. Returns the
 * number of members whose link moved. (As in the directory migration, except that the moved
 * links of `p_from` are now deleted here: its delete no longer cascades to them.)
 */
create or replace function public.merge_skills(p_from uuid, p_into uuid) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  moved integer;
begin
  if not private.is_admin() then
    raise exception 'directory.admin_only' using errcode = 'P0001';
  end if;
  if p_from = p_into then
    raise exception 'directory.merge_same' using errcode = 'P0001';
  end if;
  perform 1 from public.skills where id in (p_from, p_into) for update;
  if (select count(*) from public.skills where id in (p_from, p_into)) <> 2 then
    raise exception 'directory.skill_unknown' using errcode = 'P0001';
  end if;
  insert into public.member_skills (member_id, skill_id, level, created_at)
  select member_id, p_into, level, created_at from public.member_skills where skill_id = p_from
  on conflict (member_id, skill_id) do update
    set level = greatest(public.member_skills.level, excluded.level);
  get diagnostics moved = row_count;
  insert into public.member_wanted_skills (member_id, skill_id, created_at)
  select member_id, p_into, created_at from public.member_wanted_skills where skill_id = p_from
  on conflict do nothing;
  delete from public.member_skills where skill_id = p_from;
  delete from public.member_wanted_skills where skill_id = p_from;
  -- a proposal merged into an approved skill becomes that skill; merging into a proposal approves it
  update public.skills set status = 'approved' where id = p_into and status <> 'approved';
  delete from public.skills where id = p_from;
  return moved;
end
$$;
revoke all on function public.merge_skills(uuid, uuid) from public, anon;
grant execute on function public.merge_skills(uuid, uuid) to authenticated, service_role;

/**
 * Trigger: a desk or room in a retired zone takes no new booking, whoever inserts it (the
 * booking functions check the resource's own `active`; this adds its zone's, for every path).
 */
create or replace function private.refuse_retired_zone() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if exists (select 1 from public.resources r join public.zones z on z.id = r.zone_id
             where r.id = new.resource_id and not z.active) then
    perform private.refuse('booking.resource_unavailable');
  end if;
  return new;
end
$$;
revoke all on function private.refuse_retired_zone() from public;
create trigger bookings_refuse_retired_zone before insert or update of resource_id on public.bookings
  for each row execute function private.refuse_retired_zone();
