/**
 * "Who is here today who knows …": today's present members who opted into the directory,
 * grouped by skill. Presence comes from public.bookings (migration 20261129130000), which
 * members cannot read for others, so these functions are security definer and return only
 * opted-in, active profiles, to signed-in members and the team.
 *
 * Present today: a booking of today (the space's time zone) that is confirmed, or checked in.
 */

/** Ids of today's present, opted-in members (for the directory's "here today" filter). */
create or replace function public.present_today_member_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select distinct b.member_id
  from public.bookings b
  join public.members m on m.id = b.member_id
  where b.day = (now() at time zone (select s.time_zone from public.settings s))::date
    and (b.status = 'confirmed' or b.checked_in_at is not null)
    and m.active and m.erased_at is null and m.visibility in ('members', 'public')
    and private.current_role() in ('member', 'staff', 'admin')
$$;

/** Today's present, opted-in members with each of their skills: one row per skill and person. */
create or replace function public.here_today_by_skill()
returns table (skill text, level public.skill_level, member_id uuid, full_name text, company text)
language sql stable security definer set search_path = ''
as $$
  select s.name::text, ms.level, m.id, m.full_name, m.company
  from public.present_today_member_ids() p(member_id)
  join public.members m on m.id = p.member_id
  join public.member_skills ms on ms.member_id = m.id
  join public.skills s on s.id = ms.skill_id and s.status = 'approved'
$$;

revoke all on function public.present_today_member_ids(), public.here_today_by_skill() from public, anon;
grant execute on function public.present_today_member_ids(), public.here_today_by_skill()
  to authenticated, service_role;
