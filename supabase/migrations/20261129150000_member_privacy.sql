/**
 * Members read other members only through the directory.
 *
 * Row-level security filters rows, not columns: with the core policy, a member could read the
 * email (and every other column) of any opted-in profile straight from the table over the REST
 * API, even when its owner did not allow contact. From now on the table shows a member only
 * their own row (the team still sees everyone), and the directory is `directory_search`, a
 * security definer function that applies the visibility rule itself and returns the email only
 * when its owner allowed contact.
 */

drop policy "Members see themselves, the team sees everyone, members see opted-in profiles" on public.members;
create policy "Members see themselves, the team sees everyone" on public.members
  for select to authenticated using (user_id = auth.uid() or private.is_team());

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
    -- the visibility rule (was the table policy): oneself, the team, or a member looking at an
    -- active opted-in profile
    and (m.user_id = auth.uid()
         or private.is_team()
         or (m.active and m.visibility in ('members', 'public') and private.current_role() = 'member'))
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
