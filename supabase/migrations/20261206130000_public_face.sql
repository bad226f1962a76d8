/**
 * The space's public face (issue #17; the feed and speakers' talks of issue #14).
 *
 * Anyone, without an account or a link (role `anon`), reads through these functions only:
 *
 * - public_members(p_search) / public_member(p_id): the members who chose visibility "public",
 *   active and not erased, with what the profile shows publicly (name, trade, company, bio,
 *   links, approved skills with levels, whether they accept contact, their talks). Never an
 *   address, never "looking for" (that stays in the members' directory). The rule is applied
 *   here (security definer), not by the caller: a hidden or members-only profile, an inactive or
 *   erased member, is simply absent, at once.
 * - public_events() / public_event(p_id): the coming published events (the agenda and the .ics
 *   feed) and one published event by id (its own address, past ones too, so a talk listed on a
 *   member's page opens). A speaker is named only when they are not a member of the space (a
 *   name the team typed for the programme) or a public member: a hidden member who spoke stays
 *   hidden.
 * - member_talks(p_member_id): the talks a member gave (event_speakers.member_id) and the events
 *   they organised (events.created_by), newest first, for whoever may see the member: signed-in
 *   people by the directory's rule, anonymous visitors for public members only.
 * - public_face_version(): a number that grows with every change of what the public pages show
 *   (members, skills, events, speakers, rooms, settings), so a page's shared cache knows when it
 *   is stale without re-reading everything.
 *
 * Contact (public_contact_member / public_contact_prove), with the shared link's abuse limits
 * (20261205140000_link_proof.sql): no power before an address is proven. A request records the
 * visitor's message in private.contact_requests and e-mails a proof link to the visitor (nothing
 * they typed in it); following it relays the message to the member through the outbox, with the
 * visitor's proven address to reply to; the member's address is never shown to the visitor.
 * Refusals say nothing about who is a member: an unknown id, a hidden member and a member who
 * does not accept contact all get `public.contact_unavailable`; an accepted request answers
 * 'check_email' whatever the address. Limits: at most 3 proof e-mails per address a day (beyond,
 * recorded but not mailed, same answer), 10 requests per client an hour and 300 in all a minute
 * (`public.busy`, the same for every address), and once proven at most 2 messages from one
 * address to one member and 20 to one member a day (`public.contact_limit`).
 */

-- ------------------------------------------------------------------------------ message kinds

-- Add this file's kinds to whatever the constraint allows now (other migrations add theirs; a
-- fixed list here would drop a kind landed alongside).
do $$
declare
  v_kinds text[];
begin
  select array_agg(distinct m[1] order by m[1]) into v_kinds
    from pg_catalog.pg_constraint c,
         regexp_matches(pg_catalog.pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') m
   where c.conname = 'notifications_kind_check' and c.conrelid = 'public.notifications'::regclass;
  v_kinds := array(select distinct k from unnest(v_kinds || array['contact_proof', 'contact_message']) k order by k);
  alter table public.notifications drop constraint notifications_kind_check;
  -- written as a list of quoted names, as the earlier migrations wrote it
  execute format('alter table public.notifications add constraint notifications_kind_check check (kind in (%s))',
                 (select string_agg(quote_literal(k), ', ') from unnest(v_kinds) k));
end
$$;

-- ------------------------------------------------------------------------------ what is public

/** True when member `m` is on the public pages: chose "public", active, not erased. */
create or replace function private.is_public_member(p_member_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.members m
                  where m.id = p_member_id and m.visibility = 'public' and m.active and m.erased_at is null)
$$;
revoke all on function private.is_public_member(uuid) from public;

/** The growing number behind public_face_version(): a sequence, so bumping it never locks. */
create sequence private.public_face_seq;
revoke all on sequence private.public_face_seq from public, anon, authenticated;

create or replace function private.bump_public_face() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_catalog.nextval('private.public_face_seq');
  return null;
end
$$;
revoke all on function private.bump_public_face() from public;

create trigger zz_public_face after insert or update or delete or truncate on public.members
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.member_skills
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.skills
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.events
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.event_speakers
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.resources
  for each statement execute function private.bump_public_face();
create trigger zz_public_face after insert or update or delete or truncate on public.settings
  for each statement execute function private.bump_public_face();

/**
 * A number that changes whenever what the public pages show may have changed. Read before a
 * cached copy is used; a change seen before its transaction commits only makes a cache refresh
 * early (callers also keep copies a few seconds at most).
 */
create or replace function public.public_face_version() returns bigint
language sql stable security definer set search_path = ''
as $$
  select last_value + case when is_called then 1 else 0 end from private.public_face_seq
$$;
revoke all on function public.public_face_version() from public, anon;
grant execute on function public.public_face_version() to anon, authenticated, service_role;

/** Who may see a member's talks: the directory's rule when signed in, public members for anyone. */
create or replace function private.may_see_talks(p_member_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.is_public_member(p_member_id)
      or (auth.uid() is not null and private.can_see_member(p_member_id)
          and exists (select 1 from public.members m where m.id = p_member_id and m.erased_at is null))
$$;
revoke all on function private.may_see_talks(uuid) from public;

/**
 * The talks a member gave and the events they organised, newest first: published events only
 * (not drafts, not cancelled). `role` is 'speaker' or 'organiser' (both when both).
 */
create or replace function public.member_talks(p_member_id uuid)
returns table (event_id uuid, title text, kind text, starts_at timestamptz, ends_at timestamptz, role text)
language sql stable security definer set search_path = ''
as $$
  select e.id, e.title, e.kind, e.starts_at, e.ends_at,
         case when exists (select 1 from public.event_speakers sp where sp.event_id = e.id and sp.member_id = p_member_id)
              then case when e.created_by = p_member_id then 'both' else 'speaker' end
              else 'organiser' end
  from public.events e
  where e.status = 'published'
    and (e.created_by = p_member_id
         or exists (select 1 from public.event_speakers sp where sp.event_id = e.id and sp.member_id = p_member_id))
    and private.may_see_talks(p_member_id)
  order by e.starts_at desc
  limit 200
$$;
revoke all on function public.member_talks(uuid) from public, anon;
grant execute on function public.member_talks(uuid) to anon, authenticated, service_role;

/** The public card of member `m` (to be called for public members only). */
create or replace function private.public_card(p_member_id uuid)
returns table (id uuid, full_name text, job_title text, company text, bio text, links jsonb,
               skills jsonb, contact boolean, talks integer)
language sql stable security definer set search_path = ''
as $$
  select m.id, m.full_name, m.job_title, m.company, m.bio, m.links,
         coalesce((select jsonb_agg(jsonb_build_object('name', s.name::text, 'level', ms.level)
                                    order by ms.level desc, s.name)
                   from public.member_skills ms join public.skills s on s.id = ms.skill_id
                   where ms.member_id = m.id and s.status = 'approved'), '[]'::jsonb),
         m.contact_allowed,
         (select count(*)::int from public.events e
           where e.status = 'published'
             and (e.created_by = m.id
                  or exists (select 1 from public.event_speakers sp where sp.event_id = e.id and sp.member_id = m.id)))
  from public.members m
  where m.id = p_member_id
$$;
revoke all on function private.public_card(uuid) from public;

/**
 * The public showcase: members who chose "public", active and not erased, optionally those whose
 * name, trade, company or a skill contains `p_search` (accents and case ignored). At most 1,000.
 */
create or replace function public.public_members(p_search text default null)
returns table (id uuid, full_name text, job_title text, company text, bio text, links jsonb,
               skills jsonb, contact boolean, talks integer)
language sql stable security definer set search_path = ''
as $$
  with wanted as (
    select extensions.unaccent('extensions.unaccent'::regdictionary, btrim(p_search)) as q
  ), shown as (
    select m.id from public.members m, wanted w
    where m.visibility = 'public' and m.active and m.erased_at is null
      and (nullif(w.q, '') is null
           or extensions.unaccent('extensions.unaccent'::regdictionary, concat_ws(' ', m.full_name, m.company, m.job_title))
              ilike '%' || w.q || '%'
           or exists (select 1 from public.member_skills ms join public.skills s on s.id = ms.skill_id
                      where ms.member_id = m.id and s.status = 'approved'
                        and extensions.unaccent('extensions.unaccent'::regdictionary, s.name::text) ilike '%' || w.q || '%'))
    limit 1000
  )
  select c.* from shown x cross join lateral private.public_card(x.id) c
$$;
revoke all on function public.public_members(text) from public, anon;
grant execute on function public.public_members(text) to anon, authenticated, service_role;

/** One public member's card and their talks (newest first); no row when they are not public. */
create or replace function public.public_member(p_id uuid)
returns table (id uuid, full_name text, job_title text, company text, bio text, links jsonb,
               skills jsonb, contact boolean, talks integer, talk_list jsonb)
language sql stable security definer set search_path = ''
as $$
  select c.*,
         coalesce((select jsonb_agg(jsonb_build_object('event_id', t.event_id, 'title', t.title, 'kind', t.kind,
                                                       'starts_at', t.starts_at, 'ends_at', t.ends_at, 'role', t.role)
                                    order by t.starts_at desc)
                   from public.member_talks(p_id) t), '[]'::jsonb)
  from private.public_card(p_id) c
  where private.is_public_member(p_id)
$$;
revoke all on function public.public_member(uuid) from public, anon;
grant execute on function public.public_member(uuid) to anon, authenticated, service_role;

/** An event as the public pages show it; speakers who are non-public members are left out. */
create or replace function private.public_event_row(e public.events)
returns table (id uuid, title text, description text, kind text, starts_at timestamptz, ends_at timestamptz,
               room text, status text, capacity integer, places_left integer, speakers jsonb)
language sql stable security definer set search_path = ''
as $$
  select e.id, e.title, e.description, e.kind, e.starts_at, e.ends_at,
         (select r.name from public.resources r where r.id = e.room_id), e.status, e.capacity,
         greatest(0, e.capacity - (select count(*)::int from public.registrations g
                                    where g.event_id = e.id and g.status in ('registered', 'attended'))),
         coalesce((select jsonb_agg(jsonb_build_object(
                            'name', case when sp.member_id is null then sp.name else m.full_name end,
                            'member_id', sp.member_id) order by sp.position, sp.name)
                   from public.event_speakers sp left join public.members m on m.id = sp.member_id
                   where sp.event_id = e.id
                     and (sp.member_id is null
                          or (m.visibility = 'public' and m.active and m.erased_at is null))), '[]'::jsonb)
$$;
revoke all on function private.public_event_row(public.events) from public;

/** The agenda: coming published events (not over yet), soonest first. At most 500. */
create or replace function public.public_events()
returns table (id uuid, title text, description text, kind text, starts_at timestamptz, ends_at timestamptz,
               room text, status text, capacity integer, places_left integer, speakers jsonb)
language sql stable security definer set search_path = ''
as $$
  select x.* from (select e from public.events e
                    where e.status = 'published' and e.ends_at > now()
                    order by e.starts_at limit 500) y
  cross join lateral private.public_event_row(y.e) x
  order by x.starts_at
$$;
revoke all on function public.public_events() from public, anon;
grant execute on function public.public_events() to anon, authenticated, service_role;

/** One published (or cancelled, so its address says so) event, coming or past; no row otherwise. */
create or replace function public.public_event(p_id uuid)
returns table (id uuid, title text, description text, kind text, starts_at timestamptz, ends_at timestamptz,
               room text, status text, capacity integer, places_left integer, speakers jsonb)
language sql stable security definer set search_path = ''
as $$
  select x.* from public.events e cross join lateral private.public_event_row(e) x
  where e.id = p_id and e.status in ('published', 'cancelled')
$$;
revoke all on function public.public_event(uuid) from public, anon;
grant execute on function public.public_event(uuid) to anon, authenticated, service_role;

-- ------------------------------------------------------------------------------ contact

create table private.contact_requests (
  id uuid primary key default gen_random_uuid(),
  -- sha-256 of the proof token (the token itself is only in the queued message's secret)
  token_hash text not null unique,
  member_id uuid not null references public.members (id) on delete cascade,
  from_email text not null check (length(from_email) <= 254),
  email_key text not null,
  from_name text not null check (length(from_name) between 1 and 200),
  message text not null check (length(message) between 1 and 2000),
  client text check (length(client) <= 64),
  locale text check (locale is null or locale in ('fr', 'en')),
  mailed boolean not null default false,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  outcome text
);
create index contact_requests_key_idx on private.contact_requests (email_key, created_at);
create index contact_requests_client_idx on private.contact_requests (client, created_at);
create index contact_requests_member_idx on private.contact_requests (member_id, used_at);
create index contact_requests_created_idx on private.contact_requests (created_at);
alter table private.contact_requests enable row level security;
revoke all on private.contact_requests from public, anon, authenticated;

/**
 * The client a request comes from: what the app says (`cantine.client`, the visitor's address
 * as lib/web/session.py reads it), else, through Supabase's REST API, the last hop of
 * X-Forwarded-For (the one Supabase's own proxy appended). Null when unknown.
 */
create or replace function private.request_client() returns text
language plpgsql stable set search_path = ''
as $$
declare
  v_app text := nullif(btrim(current_setting('cantine.client', true)), '');
  v_headers text := nullif(current_setting('request.headers', true), '');
  v_forwarded text;
begin
  if v_app is not null then
    return left(v_app, 64);
  end if;
  if v_headers is null then
    return null;
  end if;
  begin
    v_forwarded := v_headers::json ->> 'x-forwarded-for';
  exception when others then
    return null;
  end;
  return nullif(left(btrim(pg_catalog.reverse(pg_catalog.split_part(pg_catalog.reverse(coalesce(v_forwarded, '')), ',', 1))), 64), '');
end
$$;
revoke all on function private.request_client() from public;

/** True when member `p_member_id` is public and accepts contact. */
create or replace function private.contactable(p_member_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.members m
                  where m.id = p_member_id and m.visibility = 'public' and m.active and m.erased_at is null
                    and m.contact_allowed)
$$;
revoke all on function private.contactable(uuid) from public;

/**
 * A visitor asks to write to a public member. Checks the visitor's name and address (the shared
 * link's rules), the message (1 to 2,000 characters, no invisible characters), the client's and
 * the overall ceilings, that the member is public and accepts contact; records the request and,
 * within the per-address cap, e-mails a proof link to the visitor. Returns 'check_email'.
 */
create or replace function public.public_contact_member(p_member_id uuid, p_from_email text, p_from_name text,
                                                        p_message text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  v_email text := lower(btrim(coalesce(p_from_email, '')));
  v_name text := btrim(coalesce(p_from_name, ''));
  v_message text := btrim(coalesce(p_message, ''));
  v_key text;
  v_client text := private.request_client();
  v_locale text := nullif(current_setting('cantine.locale', true), '');
  v_token text := private.new_token();
  v_expires timestamptz := now() + interval '2 hours';
  v_mail boolean;
  s public.settings;
  m public.members;
begin
  if v_locale not in ('fr', 'en') then
    v_locale := null;
  end if;
  -- the ceilings first: they answer the same whoever is asked about
  if (select count(*) from private.contact_requests q where q.created_at > now() - interval '1 minute') >= 300
     or (v_client is not null
         and (select count(*) from private.contact_requests q
               where q.client = v_client and q.created_at > now() - interval '1 hour') >= 10) then
    perform private.refuse('public.busy');
  end if;
  perform private.check_link_visitor(v_email, v_name);
  if length(v_message) = 0 then
    perform private.refuse('public.message_required');
  end if;
  if length(v_message) > 2000 then
    perform private.refuse('public.message_too_long', jsonb_build_object('max', 2000));
  end if;
  -- controls other than line breaks and tabs, and invisible format characters (see check_link_visitor)
  if v_message ~ '[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]' then
    perform private.refuse('public.message_invisible');
  end if;
  if not private.contactable(p_member_id) then
    perform private.refuse('public.contact_unavailable');
  end if;
  select * into m from public.members where id = p_member_id;
  select * into s from public.settings;
  v_key := private.email_key(v_email);
  delete from private.contact_requests q where q.created_at < now() - interval '1 day';
  -- counting the address's proof messages, then adding one, must not interleave
  perform private.lock('person', v_key);
  v_mail := (select count(*) from private.contact_requests q
              where q.email_key = v_key and q.mailed and q.created_at > now() - interval '24 hours') < 3;
  insert into private.contact_requests (token_hash, member_id, from_email, email_key, from_name, message, client,
                                        locale, mailed, expires_at)
  values (private.token_hash(v_token), m.id, v_email, v_key, v_name, v_message, v_client, v_locale, v_mail, v_expires);
  if v_mail then
    -- no word typed by the visitor: an unproven address receives only the space's own text
    perform private.queue_notice('contact_proof', v_email, null, v_locale,
                                 jsonb_build_object('space', s.space_name, 'time_zone', s.time_zone,
                                                    'member', m.full_name, 'expires_at', v_expires),
                                 v_token);
  end if;
  return 'check_email';
end
$$;
revoke all on function public.public_contact_member(uuid, text, text, text) from public, anon;
grant execute on function public.public_contact_member(uuid, text, text, text) to anon, authenticated, service_role;

/**
 * Follow a contact proof link: use the request once and relay its message to the member through
 * the outbox (the visitor's proven address to reply to; the member's is never shown). Refuses an
 * unknown, used or expired proof (public.proof_*), a member no longer public or accepting contact
 * (public.contact_unavailable) and the daily limits (public.contact_limit). Returns the member's
 * name, for the page to say whom the message went to.
 */
create or replace function public.public_contact_prove(p_proof_token text)
returns text
language plpgsql security definer set search_path = ''
as $$
declare
  q private.contact_requests;
  m public.members;
  s public.settings;
begin
  select * into q from private.contact_requests r
   where r.token_hash = private.token_hash(p_proof_token) and p_proof_token is not null
   for update;
  if not found then
    perform private.refuse('public.proof_unknown');
  end if;
  if q.used_at is not null then
    perform private.refuse('public.proof_used');
  end if;
  if q.expires_at <= now() then
    perform private.refuse('public.proof_expired');
  end if;
  if not private.contactable(q.member_id) then
    perform private.refuse('public.contact_unavailable');
  end if;
  perform private.lock('person', q.email_key);
  if (select count(*) from private.contact_requests r
       where r.email_key = q.email_key and r.member_id = q.member_id and r.outcome = 'sent'
         and r.used_at > now() - interval '24 hours') >= 2
     or (select count(*) from private.contact_requests r
          where r.member_id = q.member_id and r.outcome = 'sent' and r.used_at > now() - interval '24 hours') >= 20 then
    perform private.refuse('public.contact_limit');
  end if;
  select * into m from public.members where id = q.member_id;
  select * into s from public.settings;
  perform private.queue_notice('contact_message', m.email::text, m.full_name, m.locale,
                               jsonb_build_object('space', s.space_name, 'from_name', q.from_name,
                                                  'from_email', q.from_email, 'message', q.message),
                               null, m.id);
  update private.contact_requests set used_at = now(), outcome = 'sent' where id = q.id;
  return m.full_name;
end
$$;
revoke all on function public.public_contact_prove(text) from public, anon;
grant execute on function public.public_contact_prove(text) to anon, authenticated, service_role;

/**
 * Trigger: an erased member's contact requests go (to them, and those they sent from their
 * address), and so do the messages they wrote to others through the showcase (queued or sent:
 * the recipient has the e-mail; the outbox need not keep their address and words).
 */
create or replace function private.forget_contact_requests() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.erased_at is not null and old.erased_at is null then
    delete from private.contact_requests q
     where q.member_id = new.id or q.email_key = private.email_key(old.email::text);
    delete from public.notifications n
     where n.kind = 'contact_message' and private.email_key(n.payload ->> 'from_email') = private.email_key(old.email::text);
  end if;
  return null;
end
$$;
revoke all on function private.forget_contact_requests() from public;
create trigger members_forget_contact_requests after update of erased_at on public.members
  for each row execute function private.forget_contact_requests();
