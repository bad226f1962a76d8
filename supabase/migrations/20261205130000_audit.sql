/**
 * The audit log, read and completed (issue #12):
 *
 * - member skills and wanted skills are audited too. Their rows have no `id` (the key is the
 *   member and the skill), so private.audit() now names such a row `member_id:skill_id`;
 * - the admins' audit page filters by who acted and pages newest first: an index on (actor, at)
 *   (erasure's `update … where actor = …` uses it too);
 * - a member's skill proposals are capped (5 waiting at once, 10 in 24 hours), so that one
 *   `insert … select generate_series(1, 5000)` cannot drown the admins' queue: the statement is
 *   refused as a whole. Two transactions of the same member are serialised by private.lock.
 */

-- ------------------------------------------------------------------------------ audit of member skills

/** Trigger: record a change in audit_log (secrets such as tokens are never copied). A row without
 * an `id` column but with a member and a skill (member_skills, member_wanted_skills) is named
 * `member_id:skill_id`, so the log says whose skill it was. */
create or replace function private.audit() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  old_j jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_j jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  row_j jsonb;
begin
  old_j := old_j - 'manage_token' - 'token' - 'token_hash';
  new_j := new_j - 'manage_token' - 'token' - 'token_hash';
  if tg_op = 'UPDATE' and old_j = new_j then
    return new;
  end if;
  row_j := coalesce(new_j, old_j);
  insert into public.audit_log (actor, table_name, row_id, action, old_values, new_values)
  values (auth.uid(), tg_table_name,
          coalesce(row_j ->> 'id', (row_j ->> 'member_id') || ':' || (row_j ->> 'skill_id')),
          tg_op, old_j, new_j);
  return coalesce(new, old);
end
$$;
revoke all on function private.audit() from public;

create trigger member_skills_audit after insert or update or delete on public.member_skills
  for each row execute function private.audit();
create trigger member_wanted_skills_audit after insert or update or delete on public.member_wanted_skills
  for each row execute function private.audit();

create index audit_log_actor_at_idx on public.audit_log (actor, at);

-- ------------------------------------------------------------------------------ skill proposals

insert into private.lock_spaces (name, seed, what) values
  ('skill_proposals', 4, 'A member''s skill proposals (waiting ones, and those of the last 24 hours): counted, '
                         'then proposed. Key: members.id. private.limit_skill_proposals; taken alone.');

create index skills_proposed_by_idx on public.skills (proposed_by, created_at);

/**
 * Trigger (before insert on skills, each row): a member — anyone but an administrator or the
 * owner — has at most 5 proposals waiting and makes at most 10 in 24 hours. A before-row trigger
 * sees the rows its statement inserted before this one, so a one-statement flood is refused at
 * its sixth row and, the statement failing, inserts nothing. The member's lock makes two
 * concurrent transactions count one after the other (the second sees the first's committed rows).
 */
create or replace function private.limit_skill_proposals() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  max_pending constant integer := 5;
  max_per_day constant integer := 10;
  is_owner boolean := auth.uid() is null and current_user not in ('anon', 'authenticated');
begin
  if new.status <> 'proposed' or new.proposed_by is null or is_owner or private.is_admin() then
    return new;
  end if;
  -- the day's count reads created_at: a member does not choose it
  new.created_at := now();
  perform private.lock('skill_proposals', new.proposed_by::text);
  if (select count(*) from public.skills s
      where s.proposed_by = new.proposed_by and s.status = 'proposed') >= max_pending
     or (select count(*) from public.skills s
         where s.proposed_by = new.proposed_by and s.created_at > now() - interval '24 hours') >= max_per_day then
    perform private.refuse('directory.too_many_proposals',
                           jsonb_build_object('pending', max_pending, 'per_day', max_per_day));
  end if;
  return new;
end
$$;
revoke all on function private.limit_skill_proposals() from public;

create trigger skills_limit_proposals before insert on public.skills
  for each row execute function private.limit_skill_proposals();
