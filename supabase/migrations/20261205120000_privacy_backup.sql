/**
 * Privacy against a careless click and a hostile user (issue #12):
 *
 * - erasure finds a person by every address form they used and scrubs every row that holds
 *   their name or address, in every schema (public.erase_member, replaced);
 * - one address key for "the same person" (private.email_key, replaced: Gmail's dots too);
 * - only the member consents to being shown: visibility and contact permission are raised by the
 *   member alone; an administrator may lower them (moderation); the owner (command line, the
 *   stale-profile job, erasure) is not limited (private.guard_consent).
 *
 * (The backup side of the issue is Python: lib/core/backup.py now dumps every table of the app's
 * schemas, private included.)
 */

-- ------------------------------------------------------------------------------ the address key

/**
 * The address a person is known by, however they typed it: lower case, without surrounding
 * spaces, without the `+tag` of the local part, and for Gmail without the dots of the local part
 * (Gmail ignores them; googlemail.com is gmail.com). Zoe.Doe+x@Example.org and
 * zoe.doe@example.org are one person. Shared-link limits count by it; erasure finds a person
 * by it. Never stored: rows keep what was typed.
 */
create or replace function private.email_key(p_email text) returns text
language sql immutable set search_path = ''
as $$
  select case when k ~ '@(gmail|googlemail)\.com$'
              then pg_catalog.replace(pg_catalog.split_part(k, '@', 1), '.', '') || '@gmail.com'
              else k end
  from (select pg_catalog.regexp_replace(pg_catalog.lower(pg_catalog.btrim(p_email)),
                                         '^([^@+]*)\+[^@]*@', '\1@') as k) x
$$;
revoke all on function private.email_key(text) from public;

-- ------------------------------------------------------------------------------ erasure

/**
 * Erase a member (administrators, or the command line). The person is found by every address
 * key they were known by (their member address, their account's, the addresses their member row
 * held before, as the audit log shows), so the guest who booked as Zoe.Doe+x@Example.org
 * before becoming zoe.doe@example.org is the same person. Then:
 *
 * - the member row stays (anonymised, inactive) so bookings and registrations still count; their
 *   skills, wishes and consent history go; the account goes (sessions and password links with it);
 * - bookings and registrations made as a guest with any of their addresses stay as anonymous
 *   history: name '—', an address of the form erased-<row id>@erased.invalid (a guest row needs
 *   one, and one per row keeps the one-live-registration-per-address rule), same status; the
 *   names they typed on links with their member address go;
 * - messages to them (by member or by any address form) are deleted, sent or not;
 * - sign-in attempts with any address form are deleted;
 * - the audit log keeps what happened but loses who it was about: their member rows keep only
 *   non-personal columns, their guest rows lose name and address, and every address or name of
 *   theirs left anywhere else in it is replaced by 'erased'.
 *
 * The company and job title are not searched for outside the member's own rows: other members
 * share them ("Designer"), and their audit history is not this member's.
 */
create or replace function public.erase_member(p_member_id uuid) returns void
language plpgsql security definer set search_path = ''
as $$
declare
  target public.members;
  kept constant text[] := array['id', 'role', 'plan_id', 'active', 'visibility', 'created_at', 'erased_at'];
  keys text[];            -- the address keys (private.email_key) the person is known by
  guest_bookings uuid[];  -- rows they made as a guest, under any address form
  guest_regs uuid[];
  accounts uuid[];        -- their account, and any other account under one of their addresses
  emails text[];          -- every spelling of their addresses found anywhere
  names text[];           -- every name they were known by
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

  -- 1. who: every address key of theirs
  select coalesce(array_agg(distinct private.email_key(e)), '{}') into keys from (
    select target.email::text as e
    union all select u.email::text from auth.users u where u.id = target.user_id
    union all select v ->> 'email' from public.audit_log a, lateral (values (a.old_values), (a.new_values)) x(v)
     where a.table_name = 'members' and a.row_id = target.id::text
  ) found where e is not null and btrim(e) <> '';

  select coalesce(array_agg(b.id), '{}') into guest_bookings from public.bookings b
   where b.member_id is null and private.email_key(b.guest_email) = any (keys);
  select coalesce(array_agg(r.id), '{}') into guest_regs from public.registrations r
   where r.member_id is null and private.email_key(r.guest_email) = any (keys);
  -- another account under one of their addresses is theirs too, unless a member still uses it
  select coalesce(array_agg(u.id), '{}') into accounts from auth.users u
   where u.id = target.user_id
      or (private.email_key(u.email::text) = any (keys)
          and not exists (select 1 from public.members m where m.user_id = u.id and m.id <> target.id));

  -- 2. what to look for in the audit log afterwards: every spelling, every name
  select coalesce(array_agg(distinct e), '{}') into emails from (
    select target.email::text as e
    union all select b.guest_email from public.bookings b where b.id = any (guest_bookings)
    union all select r.guest_email from public.registrations r where r.id = any (guest_regs)
    union all select n.to_email from public.notifications n
     where n.member_id = target.id or private.email_key(n.to_email) = any (keys)
    union all select s.email from private.sign_in_attempts s where private.email_key(s.email) = any (keys)
    union all select u.email::text from auth.users u where u.id = any (accounts)
    union all select m[1] from public.audit_log a,
      lateral regexp_matches(coalesce(a.old_values::text, '') || ' ' || coalesce(a.new_values::text, ''),
                             '([^\s"@,:{}\[\]]+@[^\s"@,:{}\[\]]+)', 'g') m
     where private.email_key(m[1]) = any (keys)
  ) found where e is not null;
  select coalesce(array_agg(distinct btrim(n)), '{}') into names from (
    select target.full_name as n
    union all select b.guest_name from public.bookings b where b.id = any (guest_bookings) or b.member_id = target.id
    union all select r.guest_name from public.registrations r where r.id = any (guest_regs) or r.member_id = target.id
    union all select n.to_name from public.notifications n
     where n.member_id = target.id or private.email_key(n.to_email) = any (keys)
    union all select sp.name from public.event_speakers sp where sp.member_id = target.id
    union all select u.raw_user_meta_data ->> 'full_name' from auth.users u where u.id = any (accounts)
    union all select v ->> 'full_name' from public.audit_log a, lateral (values (a.old_values), (a.new_values)) x(v)
     where a.table_name = 'members' and a.row_id = target.id::text
    union all select v ->> 'guest_name' from public.audit_log a, lateral (values (a.old_values), (a.new_values)) x(v)
     where a.table_name in ('bookings', 'registrations')
       and (v ->> 'member_id' = target.id::text or private.email_key(v ->> 'guest_email') = any (keys))
  ) found where n is not null and length(btrim(n)) >= 3 and btrim(n) <> '—';

  -- 3. the rows
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
  perform set_config('cantine.visibility_reason', '', true);

  update public.bookings set guest_name = '—', guest_email = 'erased-' || id || '@erased.invalid'
   where id = any (guest_bookings);
  update public.bookings set guest_name = null where member_id = target.id and guest_name is not null;
  update public.registrations set guest_name = '—', guest_email = 'erased-' || id || '@erased.invalid'
   where id = any (guest_regs);
  update public.registrations set guest_name = null where member_id = target.id and guest_name is not null;
  update public.event_speakers set name = '—' where member_id = target.id;
  delete from public.notifications n
   where n.member_id = target.id or private.email_key(n.to_email) = any (keys)
      or n.booking_id = any (guest_bookings) or n.registration_id = any (guest_regs);
  delete from private.sign_in_attempts s where private.email_key(s.email) = any (keys);
  -- shared-link requests not yet proven (private.link_requests, made by the link_proof migration)
  delete from private.link_requests q where q.email_key = any (keys) or private.email_key(q.email) = any (keys);
  -- what the account did is kept; that it was this account is not
  if cardinality(accounts) > 0 then
    update public.bookings set booked_by = null where booked_by = any (accounts);
    update public.registrations set registered_by = null where registered_by = any (accounts);
    update public.visibility_history set changed_by = null where changed_by = any (accounts);
    update private.password_tokens set created_by = null where created_by = any (accounts);
    delete from private.password_tokens where user_id = any (accounts);
    delete from auth.users where id = any (accounts);  -- sessions go with it (on delete cascade)
    update public.audit_log set actor = null where actor = any (accounts);
  end if;

  -- 4. the audit log (last: the updates above wrote old values into it too)
  update public.audit_log a set
    old_values = (select jsonb_object_agg(k, v) from jsonb_each(a.old_values) e(k, v) where k = any (kept)),
    new_values = (select jsonb_object_agg(k, v) from jsonb_each(a.new_values) e(k, v) where k = any (kept))
  where a.table_name = 'members' and a.row_id = target.id::text;
  update public.audit_log a set
    old_values = case when a.old_values is not null
                      then a.old_values || jsonb_build_object('guest_name', null, 'guest_email', null) end,
    new_values = case when a.new_values is not null
                      then a.new_values || jsonb_build_object('guest_name', null, 'guest_email', null) end
  where (a.table_name = 'bookings' and a.row_id = any (guest_bookings::text[]))
     or (a.table_name = 'registrations' and a.row_id = any (guest_regs::text[]));
  -- anywhere else, the strings themselves go; searched as JSON writes them (a quote is \"),
  -- where they stand alone: a guest who typed "Ann" must not turn "Planning" into "Plerasureing"
  select '(?<![[:alnum:]_])(?:'
         || string_agg(regexp_replace(j, '([\.\^\$\*\+\?\(\)\[\]\{\}\|\\/-])', '\\\1', 'g'), '|')
         || ')(?![[:alnum:]_])'
    into pattern
  from (select substr(to_jsonb(p)::text, 2, length(to_jsonb(p)::text) - 2) as j
        from unnest(emails || names) p where length(p) >= 3) x;
  if pattern is not null then
    update public.audit_log a set
      old_values = case when a.old_values is null then null
                        else regexp_replace(a.old_values::text, pattern, 'erased', 'gi')::jsonb end,
      new_values = case when a.new_values is null then null
                        else regexp_replace(a.new_values::text, pattern, 'erased', 'gi')::jsonb end
    where a.old_values::text ~* pattern or a.new_values::text ~* pattern;
  end if;
end
$$;
revoke all on function public.erase_member(uuid) from public, anon;
grant execute on function public.erase_member(uuid) to authenticated, service_role;

-- ------------------------------------------------------------------------------ consent

/**
 * Trigger: only the member consents to being shown. Directory visibility (hidden < members <
 * public) and the contact permission are raised by the member alone (auth.uid() is the row's
 * account); an administrator may lower them (moderation: hide a profile, stop contact), never
 * raise them; staff and everyone else change neither. A profile the team creates starts hidden
 * and without contact. The owner (no auth.uid(): the command line, the stale-profile job,
 * erasure, an import run from the command line) is not limited.
 *
 * Not security definer, so current_user tells the API roles from the owner (inside erase_member
 * or hide_stale_profiles called by an admin, current_user is the functions' owner and
 * auth.uid() the admin's: both only lower).
 */
create or replace function private.guard_consent() returns trigger
language plpgsql set search_path = ''
as $$
declare
  levels constant text[] := array['hidden', 'members', 'public'];
begin
  if auth.uid() is null and current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  if tg_op = 'INSERT' then
    if new.visibility <> 'hidden' or new.contact_allowed then
      if new.user_id is null or new.user_id is distinct from auth.uid() then
        raise exception 'directory.consent_member_only' using errcode = 'P0001';
      end if;
    end if;
    return new;
  end if;
  if new.visibility is not distinct from old.visibility
     and new.contact_allowed is not distinct from old.contact_allowed then
    return new;
  end if;
  if old.user_id is not null and old.user_id = auth.uid() then
    return new;  -- the member themselves
  end if;
  if private.is_admin()
     and array_position(levels, new.visibility) <= array_position(levels, old.visibility)
     and (new.contact_allowed is not distinct from old.contact_allowed or not new.contact_allowed) then
    return new;  -- moderation only lowers
  end if;
  raise exception 'directory.consent_member_only' using errcode = 'P0001';
end
$$;
revoke all on function private.guard_consent() from public;
grant execute on function private.guard_consent() to authenticated, service_role;
create trigger members_consent_guard before insert or update on public.members
  for each row execute function private.guard_consent();
