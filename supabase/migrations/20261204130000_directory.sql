/**
 * The member and skills directory: a shared skill vocabulary, who knows what at which level,
 * what people are looking for, the consent history of directory visibility, erasure and the
 * fall-back of stale profiles to hidden.
 *
 * Who sees whom stays the core rule on public.members (members see themselves and opted-in
 * active profiles; the team sees everyone). Skills follow the same rule row by row. Because
 * row-level security is per row, not per column, the directory is read through
 * public.directory_search(), which hands out an email address only when its owner allowed
 * contact. The profile columns themselves (looking_for, contact_allowed, consent dates…) are part
 * of public.members (core). "Who is here today who knows …" reads today's bookings.
 */

-- ------------------------------------------------------------------------------ skills

/** The shared skill vocabulary. Case-insensitive and unique; members may propose new ones. */
create table public.skills (
  id uuid primary key default gen_random_uuid(),
  name extensions.citext not null
    constraint skills_name_key unique
    constraint skills_name_valid check (length(btrim(name::text)) between 1 and 60 and name::text = btrim(name::text)),
  status text not null default 'approved' check (status in ('approved', 'proposed')),
  proposed_by uuid references public.members (id) on delete set null,
  created_at timestamptz not null default now()
);
create trigger skills_audit after insert or update or delete on public.skills
  for each row execute function private.audit();

create type public.skill_level as enum ('learning', 'practising', 'expert');

/** Who has which skill, at which level. */
create table public.member_skills (
  member_id uuid not null references public.members (id) on delete cascade,
  skill_id uuid not null references public.skills (id) on delete cascade,
  level public.skill_level not null default 'practising',
  created_at timestamptz not null default now(),
  primary key (member_id, skill_id)
);
create index member_skills_skill_idx on public.member_skills (skill_id, level);

/** Skills a member is looking for (to learn, or in a collaborator): "wanted" against "offered". */
create table public.member_wanted_skills (
  member_id uuid not null references public.members (id) on delete cascade,
  skill_id uuid not null references public.skills (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (member_id, skill_id)
);
create index member_wanted_skills_skill_idx on public.member_wanted_skills (skill_id);

-- ------------------------------------------------------------------------------ consent history

/** Every change of directory visibility or contact permission, with its date (consent history). */
create table public.visibility_history (
  id bigint generated always as identity primary key,
  member_id uuid not null references public.members (id) on delete cascade,
  visibility text not null,
  contact_allowed boolean not null,
  changed_at timestamptz not null default now(),
  changed_by uuid,              -- auth.uid() of who changed it (null: system, command line)
  reason text not null default 'choice' check (reason in ('choice', 'stale', 'import', 'admin', 'erasure'))
);
create index visibility_history_member_idx on public.visibility_history (member_id, changed_at);

/** Trigger: record a change of visibility (or contact permission) in the consent history. */
create or replace function private.record_visibility() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  why text := coalesce(nullif(current_setting('cantine.visibility_reason', true), ''), 'choice');
begin
  if tg_op = 'UPDATE' and new.visibility is not distinct from old.visibility
     and new.contact_allowed is not distinct from old.contact_allowed then
    return new;
  end if;
  if why = 'choice' and auth.uid() is not null and private.current_member_id() is distinct from new.id then
    why := 'admin';
  end if;
  insert into public.visibility_history (member_id, visibility, contact_allowed, changed_by, reason)
  values (new.id, new.visibility, new.contact_allowed, auth.uid(), why);
  return new;
end
$$;
revoke all on function private.record_visibility() from public;

/** Trigger: date the last change of visibility (used to judge a profile stale). */
create or replace function private.date_visibility_change() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.visibility is distinct from old.visibility then
    new.visibility_changed_at := now();
  end if;
  return new;
end
$$;
revoke all on function private.date_visibility_change() from public;

/**
 * Trigger: directory rules on members that the core guard does not cover.
 * Only an administrator marks a member erased; nobody un-erases; the last active administrator
 * can be neither demoted nor deactivated (the space would be left without anyone to run it).
 */
create or replace function private.guard_directory_changes() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  is_owner boolean := auth.uid() is null and current_user not in ('anon', 'authenticated');
begin
  if old.erased_at is not null and new.erased_at is distinct from old.erased_at then
    raise exception 'directory.already_erased' using errcode = 'P0001';
  end if;
  if not is_owner and not private.is_admin() and new.erased_at is distinct from old.erased_at then
    raise exception 'member.admin_only' using errcode = 'P0001';
  end if;
  if old.role = 'admin' and old.active and not (new.role = 'admin' and new.active)
     and not exists (select 1 from public.members m
                     where m.role = 'admin' and m.active and m.id <> old.id) then
    raise exception 'directory.last_admin' using errcode = 'P0001';
  end if;
  return new;
end
$$;
revoke all on function private.guard_directory_changes() from public;

/**
 * Trigger (runs as the caller, last of the before-update triggers): on a member's direct update
 * of their own row, bookkeeping columns (created, consent dates, stale notice, erasure request)
 * keep their values. Functions that legitimately write them
 * (request_erasure, the consent trigger) run as the owner and are not affected.
 */
create or replace function private.keep_member_bookkeeping() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if current_user <> 'authenticated' or private.is_team() then
    return new;
  end if;
  new.created_at := old.created_at;
  new.erasure_requested_at := old.erasure_requested_at;
  if new.visibility is not distinct from old.visibility then
    new.visibility_changed_at := old.visibility_changed_at;
  end if;
  if new.stale_hidden_at is not null then  -- a member may acknowledge the notice (null), not set it
    new.stale_hidden_at := old.stale_hidden_at;
  end if;
  return new;
end
$$;
revoke all on function private.keep_member_bookkeeping() from public;
grant execute on function private.keep_member_bookkeeping() to authenticated;

create trigger members_visibility_dated before update on public.members
  for each row execute function private.date_visibility_change();
create trigger members_directory_guard before update on public.members
  for each row execute function private.guard_directory_changes();
create trigger members_visibility_history after insert or update on public.members
  for each row execute function private.record_visibility();
create trigger zz_members_keep_bookkeeping before update on public.members
  for each row execute function private.keep_member_bookkeeping();

-- ------------------------------------------------------------------------------ who sees which skills

/** True when the signed-in person may see member `p_member_id` in the directory (the core rule). */
create or replace function private.can_see_member(p_member_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.members m
    where m.id = p_member_id
      and (m.user_id = auth.uid()
           or private.is_team()
           or (m.active and m.visibility in ('members', 'public') and private.current_role() = 'member')))
$$;
revoke all on function private.can_see_member(uuid) from public;
grant execute on function private.can_see_member(uuid) to authenticated, service_role;

alter table public.skills enable row level security;
alter table public.member_skills enable row level security;
alter table public.member_wanted_skills enable row level security;
alter table public.visibility_history enable row level security;
revoke all on public.skills, public.member_skills, public.member_wanted_skills, public.visibility_history from anon;
revoke truncate, trigger, references on public.skills, public.member_skills, public.member_wanted_skills
  from authenticated;
-- nobody writes the consent history but its trigger
revoke insert, update, delete, truncate, trigger, references on public.visibility_history from authenticated;

create policy "Approved skills are readable by signed-in people, proposals by their author and the team"
  on public.skills for select to authenticated using (
    private.current_role() is not null
    and (status = 'approved' or proposed_by = private.current_member_id() or private.is_team()));
create policy "Members propose skills, admins add approved ones" on public.skills
  for insert to authenticated with check (
    (status = 'proposed' and proposed_by = private.current_member_id())
    or private.is_admin());
create policy "Skills are renamed and approved by admins" on public.skills
  for update to authenticated using (private.is_admin()) with check (private.is_admin());
create policy "Skills are deleted by admins" on public.skills
  for delete to authenticated using (private.is_admin());

create policy "Skills of a member are seen by whoever may see the member" on public.member_skills
  for select to authenticated using (private.can_see_member(member_id));
create policy "Members add their own skills, the team anyone's" on public.member_skills
  for insert to authenticated with check (member_id = private.current_member_id() or private.is_team());
create policy "Members change their own skills, the team anyone's" on public.member_skills
  for update to authenticated using (member_id = private.current_member_id() or private.is_team())
  with check (member_id = private.current_member_id() or private.is_team());
create policy "Members remove their own skills, the team anyone's" on public.member_skills
  for delete to authenticated using (member_id = private.current_member_id() or private.is_team());

create policy "Wanted skills are seen by whoever may see the member" on public.member_wanted_skills
  for select to authenticated using (private.can_see_member(member_id));
create policy "Members add their own wanted skills, the team anyone's" on public.member_wanted_skills
  for insert to authenticated with check (member_id = private.current_member_id() or private.is_team());
create policy "Members remove their own wanted skills, the team anyone's" on public.member_wanted_skills
  for delete to authenticated using (member_id = private.current_member_id() or private.is_team());

create policy "Members read their own consent history, admins everyone's" on public.visibility_history
  for select to authenticated using (member_id = private.current_member_id() or private.is_admin());

-- ------------------------------------------------------------------------------ the directory

/**
 * The directory as the caller may see it. Security definer: members cannot read other rows of
 * public.members (RLS filters rows, not columns), so this function applies the visibility rule
 * itself (private.can_see_member). Filters: free text on name, company, job title or skill
 * (accents and case ignored); skills (all of them or any); a minimum level for those skills; a
 * set of member ids (used for "here today"). The email comes back only when its owner allowed
 * contact (or to the team, or to oneself); erased members never appear.
 */
create or replace function public.directory_search(
  p_text text default null,
  p_skill_ids uuid[] default null,
  p_match_all boolean default true,
  p_min_level public.skill_level default null,
  p_member_ids uuid[] default null
) returns table (
  id uuid, full_name text, company text, job_title text, bio text, links jsonb, visibility text,
  looking_for text[], looking_for_note text, contact_email text, is_me boolean, skills jsonb, wanted jsonb
)
language sql stable security definer set search_path = ''
as $$
  with wanted_skills as (
    select distinct unnest(p_skill_ids) as skill_id
  ), matching as (
    select ms.member_id, count(*) as n
    from public.member_skills ms
    join wanted_skills w on w.skill_id = ms.skill_id
    where p_min_level is null or ms.level >= p_min_level
    group by ms.member_id
  )
  select m.id, m.full_name, m.company, m.job_title, m.bio, m.links, m.visibility,
         m.looking_for, m.looking_for_note,
         case when m.contact_allowed or private.is_team() or m.user_id = auth.uid() then m.email::text end,
         m.user_id is not distinct from auth.uid() and auth.uid() is not null,
         coalesce((select jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name::text, 'level', ms.level)
                                    order by ms.level desc, s.name)
                   from public.member_skills ms join public.skills s on s.id = ms.skill_id
                   where ms.member_id = m.id and (s.status = 'approved' or m.user_id = auth.uid() or private.is_team())), '[]'::jsonb),
         coalesce((select jsonb_agg(s.name::text order by s.name)
                   from public.member_wanted_skills mw join public.skills s on s.id = mw.skill_id
                   where mw.member_id = m.id and (s.status = 'approved' or m.user_id = auth.uid() or private.is_team())), '[]'::jsonb)
  from public.members m
  where m.erased_at is null
    and private.can_see_member(m.id)
    and (p_member_ids is null or m.id = any (p_member_ids))
    and (coalesce(cardinality(p_skill_ids), 0) = 0
         or exists (select 1 from matching x where x.member_id = m.id
                    and (not p_match_all or x.n = (select count(*) from wanted_skills))))
    and (p_min_level is null or coalesce(cardinality(p_skill_ids), 0) > 0
         or exists (select 1 from public.member_skills ms where ms.member_id = m.id and ms.level >= p_min_level))
    and (nullif(btrim(p_text), '') is null
         or extensions.unaccent('extensions.unaccent'::regdictionary, concat_ws(' ', m.full_name, m.company, m.job_title))
            ilike '%' || extensions.unaccent('extensions.unaccent'::regdictionary, btrim(p_text)) || '%'
         or exists (select 1 from public.member_skills ms join public.skills s on s.id = ms.skill_id
                    where ms.member_id = m.id
                      and extensions.unaccent('extensions.unaccent'::regdictionary, s.name::text) ilike '%' || extensions.unaccent('extensions.unaccent'::regdictionary, btrim(p_text)) || '%'))
  limit 500
$$;
revoke all on function public.directory_search(text, uuid[], boolean, public.skill_level, uuid[]) from public, anon;
grant execute on function public.directory_search(text, uuid[], boolean, public.skill_level, uuid[])
  to authenticated, service_role;

/**
 * Skill insights for any signed-in person: per skill, how many offer it at each level and how
 * many are looking for it. Counts only, never names. Non-team callers count opted-in profiles
 * only, so a hidden profile contributes nothing they could see.
 */
create or replace function public.skill_stats()
returns table (skill text, learning integer, practising integer, expert integer, offered integer, wanted integer)
language sql stable security definer set search_path = ''
as $$
  with people as (
    select m.id from public.members m
    where m.active and m.erased_at is null
      and (private.is_team() or m.visibility in ('members', 'public'))
  ), offered as (
    select ms.skill_id,
           count(*) filter (where ms.level = 'learning') as learning,
           count(*) filter (where ms.level = 'practising') as practising,
           count(*) filter (where ms.level = 'expert') as expert
    from public.member_skills ms join people p on p.id = ms.member_id
    group by ms.skill_id
  ), wanted as (
    select mw.skill_id, count(*) as n
    from public.member_wanted_skills mw join people p on p.id = mw.member_id
    group by mw.skill_id
  )
  select s.name::text, coalesce(o.learning, 0)::int, coalesce(o.practising, 0)::int, coalesce(o.expert, 0)::int,
         coalesce(o.learning + o.practising + o.expert, 0)::int, coalesce(w.n, 0)::int
  from public.skills s
  left join offered o on o.skill_id = s.id
  left join wanted w on w.skill_id = s.id
  where s.status = 'approved' and (o.skill_id is not null or w.skill_id is not null)
    and private.current_role() is not null
$$;
revoke all on function public.skill_stats() from public, anon;
grant execute on function public.skill_stats() to authenticated, service_role;

-- ------------------------------------------------------------------------------ vocabulary: merge

/**
 * Merge skill `p_from` into `p_into` (admins): every member's link moves, keeping the higher
 * level when a member had both; wanted skills move too; then `p_from` disappears. Returns the
 * number of members whose link moved.
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
  -- a proposal merged into an approved skill becomes that skill; merging into a proposal approves it
  update public.skills set status = 'approved' where id = p_into and status <> 'approved';
  delete from public.skills where id = p_from;
  return moved;
end
$$;
revoke all on function public.merge_skills(uuid, uuid) from public, anon;
grant execute on function public.merge_skills(uuid, uuid) to authenticated, service_role;

-- ------------------------------------------------------------------------------ here today

/*
 * "Who is here today who knows …": today's present members who opted into the directory,
 * grouped by skill. Presence comes from public.bookings, which members cannot read for others,
 * so these functions are security definer and return only opted-in, active profiles, to
 * signed-in members and the team.
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
revoke all on function public.present_today_member_ids() from public, anon;
grant execute on function public.present_today_member_ids() to authenticated, service_role;

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
revoke all on function public.here_today_by_skill() from public, anon;
grant execute on function public.here_today_by_skill() to authenticated, service_role;

-- ------------------------------------------------------------------------------ privacy

/** A member asks for their data to be erased; an administrator confirms with erase_member(). */
create or replace function public.request_erasure() returns timestamptz
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := private.current_member_id();
  at timestamptz;
begin
  if me is null then
    raise exception 'directory.not_a_member' using errcode = 'P0001';
  end if;
  update public.members set erasure_requested_at = coalesce(erasure_requested_at, now())
  where id = me returning erasure_requested_at into at;
  return at;
end
$$;
revoke all on function public.request_erasure() from public, anon;
grant execute on function public.request_erasure() to authenticated, service_role;

/**
 * Erase a member (administrators, or the command line): personal data is deleted or replaced,
 * the row stays (anonymised, inactive) so bookings and registrations still count in the
 * statistics; their skills, wishes and consent history go; the account is deleted; the audit log
 * keeps what happened but loses who it was about.
 */
create or replace function public.erase_member(p_member_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  target public.members;
  personal text[];
  kept constant text[] := array['id', 'role', 'plan_id', 'active', 'visibility', 'created_at', 'erased_at'];
  pattern text;
begin
  if auth.uid() is not null and not private.is_admin() then
    raise exception 'directory.admin_only' using errcode = 'P0001';
  end if;
  select * into target from public.members where id = p_member_id for update;
  if not found then
    raise exception 'directory.member_unknown' using errcode = 'P0001';
  end if;
  if target.erased_at is not null then
    raise exception 'directory.already_erased' using errcode = 'P0001';
  end if;
  if target.user_id is not null and target.user_id = auth.uid() then
    raise exception 'directory.erase_self' using errcode = 'P0001';
  end if;
  personal := array_remove(array[target.email::text, target.full_name, target.company, target.job_title], null);

  perform set_config('cantine.visibility_reason', 'erasure', true);
  delete from public.member_skills where member_id = target.id;
  delete from public.member_wanted_skills where member_id = target.id;
  update public.members set
    email = 'erased-' || target.id || '@erased.invalid',
    full_name = '—', company = null, job_title = null, bio = null, links = '{}'::jsonb,
    looking_for = '{}', looking_for_note = null, contact_allowed = false, visibility = 'hidden',
    locale = null, active = false, user_id = null, erasure_requested_at = null, stale_hidden_at = null,
    erased_at = now()
  where id = target.id;
  delete from public.visibility_history where member_id = target.id;
  if target.user_id is not null then
    delete from auth.users where id = target.user_id;
    update public.audit_log set actor = null where actor = target.user_id;
  end if;
  perform set_config('cantine.visibility_reason', '', true);

  -- the audit log of this member's row keeps only non-personal columns
  update public.audit_log a set
    old_values = (select jsonb_object_agg(k, v) from jsonb_each(a.old_values) e(k, v) where k = any (kept)),
    new_values = (select jsonb_object_agg(k, v) from jsonb_each(a.new_values) e(k, v) where k = any (kept))
  where a.table_name = 'members' and a.row_id = target.id::text;
  -- anywhere else (a guest booking made with the same email, say), the strings themselves go
  select string_agg(regexp_replace(p, '([\.\^\$\*\+\?\(\)\[\]\{\}\|\\/-])', '\\\1', 'g'), '|')
    into pattern
  from unnest(personal) p where length(p) >= 3;
  if pattern is not null then
    update public.audit_log a set
      old_values = case when a.old_values is null then null
                        else regexp_replace(a.old_values::text, pattern, 'erased', 'gi')::jsonb end,
      new_values = case when a.new_values is null then null
                        else regexp_replace(a.new_values::text, pattern, 'erased', 'gi')::jsonb end
    where not (a.table_name = 'members' and a.row_id = target.id::text)
      and (a.old_values::text ~* pattern or a.new_values::text ~* pattern);
  end if;
end
$$;
revoke all on function public.erase_member(uuid) from public, anon;
grant execute on function public.erase_member(uuid) to authenticated, service_role;

/**
 * Profiles not updated and unused (no sign-in) for settings.profile_stale_months fall back to
 * hidden; the member is told on their next sign-in (stale_hidden_at). Administrators or the
 * command line. Returns how many profiles were hidden.
 */
create or replace function public.hide_stale_profiles() returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  months integer := (select profile_stale_months from public.settings);
  hidden integer;
begin
  if auth.uid() is not null and not private.is_admin() then
    raise exception 'directory.admin_only' using errcode = 'P0001';
  end if;
  perform set_config('cantine.visibility_reason', 'stale', true);
  update public.members m set visibility = 'hidden', contact_allowed = false, stale_hidden_at = now()
  where m.visibility <> 'hidden' and m.erased_at is null
    and greatest(m.updated_at, m.visibility_changed_at,
                 (select u.last_sign_in_at from auth.users u where u.id = m.user_id))
        < now() - make_interval(months => months);
  get diagnostics hidden = row_count;
  perform set_config('cantine.visibility_reason', '', true);
  return hidden;
end
$$;
revoke all on function public.hide_stale_profiles() from public, anon;
grant execute on function public.hide_stale_profiles() to authenticated, service_role;
