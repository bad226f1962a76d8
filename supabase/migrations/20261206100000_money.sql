/**
 * Money (issue #18): adhésions, plans with a price history, carnets that run down, what guests
 * owe, payments at the desk and their receipts, numbered without gaps per year.
 *
 * - Amounts are integer cents. A refund is its own (negative) payment line; nothing is edited.
 * - Every money table is read by its member (their own rows) and the team; the board reads
 *   totals only (public.money_totals); anon nothing. Nobody writes them but the functions below
 *   (security definer, team only) and the triggers.
 * - The carnet and adhésion rules sit in a trigger on bookings (private.money_booking_rules),
 *   which runs inside private.book after the person's lock: two bookings of one person never
 *   both take the last half day of a carnet.
 * - Receipt numbers come from a counter row per year locked `for update` in the paying
 *   transaction (not a sequence: a sequence skips a number when a transaction rolls back).
 */

-- ------------------------------------------------------------------------------ settings

alter table public.settings
  add column adhesion_required boolean not null default false,
  add column adhesion_fee_cents integer not null default 2000 check (adhesion_fee_cents between 0 and 10000000),
  -- an adhésion runs this many months from its first day (a season: 12)
  add column adhesion_months integer not null default 12 check (adhesion_months between 1 and 36),
  add column association_name text check (association_name is null or length(association_name) <= 200),
  add column association_address text check (association_address is null or length(association_address) <= 500),
  add column association_siret text check (association_siret is null or association_siret ~ '^[0-9]{14}$'),
  -- French associations exempt from VAT print "TVA non applicable, art. 293 B du CGI"
  add column vat_exempt boolean not null default true;

-- ------------------------------------------------------------------------------ plans

-- A card is days bought once (not a monthly quota): how many, and for how long they stay valid.
alter table public.plans
  add column card_days numeric(4,1) check (card_days is null or card_days between 0.5 and 500),
  add column valid_days integer check (valid_days is null or valid_days between 1 and 3650);

/** Trigger: a card plan gives `card_days` days valid `valid_days` days, and no monthly quota (the
 * old model wrote the 10-day card as "10 days a month"); monthly plans keep days_per_month. */
create or replace function private.plans_card_shape() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.billing = 'card' then
    new.card_days := coalesce(new.card_days, new.days_per_month, 10);
    new.valid_days := coalesce(new.valid_days, 365);
    new.days_per_month := null;
  else
    new.card_days := null;
    new.valid_days := null;
  end if;
  return new;
end
$$;
revoke all on function private.plans_card_shape() from public;
create trigger plans_card_shape before insert or update on public.plans
  for each row execute function private.plans_card_shape();
update public.plans set billing = billing where billing = 'card';

/** A plan's prices over time: a row each time its price is set (filled by a trigger). */
create table public.plan_prices (
  id bigint generated always as identity primary key,
  plan_id uuid not null references public.plans (id) on delete cascade,
  price_cents integer not null check (price_cents >= 0),
  since timestamptz not null default now(),
  changed_by uuid
);
create index plan_prices_plan_idx on public.plan_prices (plan_id, since);

create or replace function private.plans_price_history() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.price_cents is distinct from old.price_cents then
    insert into public.plan_prices (plan_id, price_cents, changed_by) values (new.id, new.price_cents, auth.uid());
  end if;
  return null;
end
$$;
revoke all on function private.plans_price_history() from public;
create trigger plans_price_history after insert or update of price_cents on public.plans
  for each row execute function private.plans_price_history();
insert into public.plan_prices (plan_id, price_cents, since) select id, price_cents, created_at from public.plans;

-- ------------------------------------------------------------------------------ the tables

/** Money received (positive) or given back (negative, `refund_of` the line it refunds). */
create table public.payments (
  id uuid primary key default gen_random_uuid(),
  member_id uuid references public.members (id) on delete restrict,
  -- a guest paying a day pass: who (a member's name comes from members at print time)
  payer_name text check (payer_name is null or length(btrim(payer_name)) between 1 and 200),
  payer_email text check (payer_email is null or length(payer_email) <= 254),
  -- an invoice to a company: its name and address, as typed at the desk
  company_name text check (company_name is null or length(btrim(company_name)) between 1 and 200),
  company_address text check (company_address is null or length(company_address) <= 500),
  kind text not null check (kind in ('adhesion', 'carnet', 'day_pass', 'plan', 'other', 'refund')),
  plan_id uuid references public.plans (id) on delete restrict,
  label text check (label is null or length(label) <= 200),
  amount_cents integer not null check (amount_cents <> 0 and abs(amount_cents) <= 100000000),
  method text not null check (method in ('cash', 'cheque', 'transfer', 'card_terminal', 'online')),
  -- a cheque's number, a transfer's reference, an online payment's id
  reference text check (reference is null or length(reference) <= 100),
  refund_of uuid references public.payments (id) on delete restrict,
  paid_at timestamptz not null default now(),
  recorded_by uuid,
  lang text not null default 'fr' check (lang in ('fr', 'en')),
  receipt_year integer not null,
  receipt_number integer not null check (receipt_number > 0),
  constraint payments_receipt_unique unique (receipt_year, receipt_number),
  constraint payments_refund_shape check ((kind = 'refund') = (refund_of is not null) and ((kind = 'refund') = (amount_cents < 0))),
  constraint payments_who check (member_id is not null or payer_name is not null)
);
create index payments_member_idx on public.payments (member_id, paid_at);
create index payments_paid_at_idx on public.payments (paid_at);
create index payments_refund_of_idx on public.payments (refund_of) where refund_of is not null;

/** What someone owes: a sale at the desk, a guest's day pass booked through the link. */
create table public.dues (
  id uuid primary key default gen_random_uuid(),
  member_id uuid references public.members (id) on delete restrict,
  guest_name text,
  guest_email text,
  kind text not null check (kind in ('adhesion', 'carnet', 'day_pass', 'plan', 'other')),
  plan_id uuid references public.plans (id) on delete restrict,
  booking_id uuid unique references public.bookings (id) on delete restrict,
  amount_cents integer not null check (amount_cents >= 0),
  label text check (label is null or length(label) <= 200),
  created_at timestamptz not null default now(),
  created_by uuid,
  constraint dues_who check (member_id is not null or guest_email is not null)
);
create index dues_member_idx on public.dues (member_id);
create index dues_guest_idx on public.dues (lower(guest_email)) where guest_email is not null;

/** A yearly (or season) membership of the association. */
create table public.adhesions (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references public.members (id) on delete restrict,
  starts_on date not null,
  ends_on date not null,
  fee_cents integer not null check (fee_cents >= 0),
  payment_id uuid references public.payments (id) on delete restrict,
  created_at timestamptz not null default now(),
  created_by uuid,
  constraint adhesions_order check (ends_on >= starts_on)
);
create index adhesions_member_idx on public.adhesions (member_id, ends_on);

/** Days bought once (a 10-day card), used by desk bookings until they run out or expire. */
create table public.carnets (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references public.members (id) on delete restrict,
  plan_id uuid not null references public.plans (id) on delete restrict,
  days numeric(4,1) not null check (days > 0),
  starts_on date not null,
  expires_on date not null,
  price_cents integer not null check (price_cents >= 0),
  payment_id uuid references public.payments (id) on delete restrict,
  created_at timestamptz not null default now(),
  created_by uuid,
  constraint carnets_order check (expires_on >= starts_on)
);
create index carnets_member_idx on public.carnets (member_id, expires_on);

-- the carnet a desk booking draws on (null: not on a card)
alter table public.bookings add column carnet_id uuid references public.carnets (id) on delete restrict;
create index bookings_carnet_idx on public.bookings (carnet_id) where carnet_id is not null;

/** The receipt counter: one row a year, locked for update by whoever takes the next number. */
create table private.receipt_counters (
  year integer primary key,
  last_number integer not null default 0
);
alter table private.receipt_counters enable row level security;
revoke all on private.receipt_counters from public, anon, authenticated;

-- ------------------------------------------------------------------------------ who may see it

alter table public.plan_prices enable row level security;
alter table public.payments enable row level security;
alter table public.dues enable row level security;
alter table public.adhesions enable row level security;
alter table public.carnets enable row level security;
revoke all on public.plan_prices, public.payments, public.dues, public.adhesions, public.carnets from anon;
-- written only by the functions and triggers below (security definer)
revoke insert, update, delete, truncate, trigger, references
  on public.plan_prices, public.payments, public.dues, public.adhesions, public.carnets from authenticated;

create policy "Plan prices are readable by signed-in people" on public.plan_prices
  for select to authenticated using ((select private.current_role()) is not null);
create policy "Members see their own payments, the team sees all" on public.payments
  for select to authenticated using (member_id = (select private.current_member_id()) or (select private.is_team()));
create policy "Members see what they owe, the team sees all" on public.dues
  for select to authenticated using (member_id = (select private.current_member_id()) or (select private.is_team()));
create policy "Members see their own adhesions, the team sees all" on public.adhesions
  for select to authenticated using (member_id = (select private.current_member_id()) or (select private.is_team()));
create policy "Members see their own carnets, the team sees all" on public.carnets
  for select to authenticated using (member_id = (select private.current_member_id()) or (select private.is_team()));

create trigger payments_audit after insert or update or delete on public.payments
  for each row execute function private.audit();
create trigger adhesions_audit after insert or update or delete on public.adhesions
  for each row execute function private.audit();
create trigger carnets_audit after insert or update or delete on public.carnets
  for each row execute function private.audit();

-- ------------------------------------------------------------------------------ helpers

/** True when the caller is the owner (command line, migrations, demo data), not an API role. */
create or replace function private.is_owner_call() returns boolean
language sql stable set search_path = ''
as $$
  select auth.uid() is null and coalesce(current_setting('role', true), 'none') not in ('anon', 'authenticated')
$$;
revoke all on function private.is_owner_call() from public;

create or replace function private.require_team() returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_owner_call() and not private.is_team() then
    perform private.refuse('money.team_only');
  end if;
end
$$;
revoke all on function private.require_team() from public;

/** The space's local day today. */
create or replace function private.space_today() returns date
language sql stable set search_path = ''
as $$
  select (now() at time zone s.time_zone)::date from public.settings s
$$;
revoke all on function private.space_today() from public;

/** The next receipt number of `p_year`: the year's counter row locked until the caller's
 * transaction ends, so concurrent payments queue here and a rollback gives the number back. */
create or replace function private.next_receipt_number(p_year integer) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  v_number integer;
begin
  insert into private.receipt_counters (year) values (p_year) on conflict (year) do nothing;
  select c.last_number + 1 into v_number from private.receipt_counters c where c.year = p_year for update;
  update private.receipt_counters set last_number = v_number where year = p_year;
  return v_number;
end
$$;
revoke all on function private.next_receipt_number(integer) from public;

/** Trigger (before insert): a payment takes its receipt number; payments are never edited. */
create or replace function private.payments_number() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op <> 'INSERT' then
    perform private.refuse('money.payments_final');
  end if;
  new.receipt_year := extract(year from new.paid_at at time zone (select s.time_zone from public.settings s))::int;
  new.receipt_number := private.next_receipt_number(new.receipt_year);
  return new;
end
$$;
revoke all on function private.payments_number() from public;
create trigger payments_number before insert or update on public.payments
  for each row execute function private.payments_number();

/** Trigger: receipts, sales and adhésions are the books: never deleted (the owner may restore). */
create or replace function private.money_rows_final() returns trigger
language plpgsql set search_path = ''
as $$
begin
  perform private.refuse('money.payments_final');
  return null;
end
$$;
revoke all on function private.money_rows_final() from public;
create trigger payments_final before delete on public.payments
  for each row execute function private.money_rows_final();

/** Trigger (before delete on members and plans): money history keeps its member and plan. */
create or replace function private.keep_money_history() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_table_name = 'members' and (
       exists (select 1 from public.payments p where p.member_id = old.id)
       or exists (select 1 from public.dues d where d.member_id = old.id)
       or exists (select 1 from public.adhesions a where a.member_id = old.id)
       or exists (select 1 from public.carnets c where c.member_id = old.id)) then
    perform private.refuse('member.has_history');
  end if;
  if tg_table_name = 'plans' and (
       exists (select 1 from public.carnets c where c.plan_id = old.id)
       or exists (select 1 from public.payments p where p.plan_id = old.id)
       or exists (select 1 from public.dues d where d.plan_id = old.id)) then
    perform private.refuse('plan.in_use', jsonb_build_object('name', old.code, 'n',
      (select count(*) from public.carnets c where c.plan_id = old.id)));
  end if;
  return old;
end
$$;
revoke all on function private.keep_money_history() from public, anon, authenticated;
create trigger members_keep_money_history before delete on public.members
  for each row execute function private.keep_money_history();
create trigger plans_keep_money_history before delete on public.plans
  for each row execute function private.keep_money_history();

/** Days left on a carnet (its bookings not cancelled). */
create or replace function private.carnet_left(p_carnet_id uuid) returns numeric
language sql stable security definer set search_path = ''
as $$
  select c.days - coalesce((select sum(b.units) from public.bookings b
                             where b.carnet_id = c.id and b.status <> 'cancelled'), 0)
    from public.carnets c where c.id = p_carnet_id
$$;
revoke all on function private.carnet_left(uuid) from public;

/** Days a member has left on the carnets valid on `p_day`. */
create or replace function private.carnet_balance(p_member_id uuid, p_day date) returns numeric
language sql stable security definer set search_path = ''
as $$
  select coalesce(sum(private.carnet_left(c.id)), 0) from public.carnets c
   where c.member_id = p_member_id and p_day between c.starts_on and c.expires_on
$$;
revoke all on function private.carnet_balance(uuid, date) from public;

/** A number of days as "3", "½" or "1½": the same in both languages. */
create or replace function private.days_words(p_days numeric) returns text
language sql immutable set search_path = ''
as $$
  select case when p_days is null then '0'
              when floor(p_days) = p_days then trim_scale(p_days)::text
              when floor(p_days) = 0 then '½'
              else floor(p_days)::text || '½' end
$$;
revoke all on function private.days_words(numeric) from public;

-- ------------------------------------------------------------------------------ booking rules

/**
 * Trigger (before insert, or update of status or during, on bookings): a member on a card plan
 * books desks with the days of a carnet valid that day (the one that expires first); a booking
 * that would overdraw is refused with what is left. When the setting says so, a member books only
 * with an adhésion valid that day. Runs inside private.book after the person's lock, so two
 * bookings of one person are checked one after the other. The owner (demo data, imports) is not
 * refused: a carnet is attached when one has room.
 */
create or replace function private.money_booking_rules() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_billing text;
  v_carnet uuid;
  v_balance numeric;
  v_owner boolean := private.is_owner_call();
begin
  if new.member_id is null or new.status = 'cancelled' then
    return new;
  end if;
  -- a booking already counted (a pending one approved) is not checked again
  if tg_op = 'UPDATE' and old.status <> 'cancelled' and old.during = new.during then
    return new;
  end if;
  if not v_owner and (select s.adhesion_required from public.settings s)
     and not exists (select 1 from public.adhesions a
                      where a.member_id = new.member_id and new.day between a.starts_on and a.ends_on) then
    perform private.refuse('money.adhesion_required');
  end if;
  if new.units <= 0 then
    return new;
  end if;
  select p.billing into v_billing from public.members m join public.plans p on p.id = m.plan_id
   where m.id = new.member_id;
  if v_billing is distinct from 'card' then
    new.carnet_id := null;
    return new;
  end if;
  if tg_op = 'UPDATE' and new.carnet_id is not null and new.during = old.during
     and private.carnet_left(new.carnet_id) >= new.units then
    return new;  -- reinstated on the carnet it had, which still has room
  end if;
  select c.id into v_carnet from public.carnets c
   where c.member_id = new.member_id and new.day between c.starts_on and c.expires_on
     and private.carnet_left(c.id) - case when tg_op = 'UPDATE' and old.carnet_id = c.id and old.status <> 'cancelled'
                                          then old.units else 0 end >= new.units
   order by c.expires_on, c.created_at
   limit 1
   for update;
  if v_carnet is null then
    if v_owner then
      new.carnet_id := null;
      return new;
    end if;
    v_balance := private.carnet_balance(new.member_id, new.day);
    -- days are whole or halves: "1½" reads the same in French and English (no decimal separator)
    perform private.refuse('money.carnet_empty', jsonb_build_object(
      'balance', private.days_words(v_balance), 'units', private.days_words(new.units)));
  end if;
  new.carnet_id := v_carnet;
  return new;
end
$$;
revoke all on function private.money_booking_rules() from public;
-- named to run after bookings_day (which sets `day`): triggers of one event run in name order
create trigger bookings_money before insert or update of status, during on public.bookings
  for each row execute function private.money_booking_rules();

/** Trigger (after insert on bookings): a guest's desk booking owes the day pass's price (half for
 * a half day), recorded so the desk knows what to take when the guest arrives. */
create or replace function private.guest_booking_due() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  p public.plans;
begin
  if new.member_id is not null or new.units <= 0 or new.status = 'cancelled' then
    return null;
  end if;
  select * into p from public.plans x where x.billing = 'day' and x.active order by x.price_cents, x.code limit 1;
  if not found then
    return null;
  end if;
  insert into public.dues (guest_name, guest_email, kind, plan_id, booking_id, amount_cents, label)
  values (new.guest_name, new.guest_email, 'day_pass', p.id, new.id, round(p.price_cents * new.units)::int, p.name_fr)
  on conflict (booking_id) do nothing;
  return null;
end
$$;
revoke all on function private.guest_booking_due() from public;
create trigger bookings_guest_due after insert on public.bookings
  for each row execute function private.guest_booking_due();

-- ------------------------------------------------------------------------------ the team's actions

/** Record money received at the desk (team); returns the payment with its receipt number. */
create or replace function public.record_payment(
  p_member_id uuid, p_amount_cents integer, p_method text, p_kind text default 'other',
  p_label text default null, p_reference text default null, p_plan_id uuid default null,
  p_company_name text default null, p_company_address text default null,
  p_payer_name text default null, p_payer_email text default null)
returns public.payments
language plpgsql security definer set search_path = ''
as $$
declare
  v public.payments;
begin
  perform private.require_team();
  if p_amount_cents is null or p_amount_cents <= 0 then
    perform private.refuse('money.amount_positive');
  end if;
  if p_kind = 'refund' then
    perform private.refuse('money.refund_through_refund');
  end if;
  if p_member_id is null and nullif(btrim(coalesce(p_payer_name, '')), '') is null then
    perform private.refuse('money.payer_missing');
  end if;
  insert into public.payments (member_id, payer_name, payer_email, company_name, company_address, kind, plan_id,
                               label, amount_cents, method, reference, recorded_by, lang)
  values (p_member_id, nullif(btrim(p_payer_name), ''), nullif(btrim(p_payer_email), ''),
          nullif(btrim(p_company_name), ''), nullif(btrim(p_company_address), ''), coalesce(p_kind, 'other'),
          p_plan_id, nullif(btrim(p_label), ''), p_amount_cents, p_method, nullif(btrim(p_reference), ''), auth.uid(),
          coalesce((select m.locale from public.members m where m.id = p_member_id),
                   (select s.default_language from public.settings s)))
  returning * into v;
  return v;
end
$$;

/** Give money back (team): a new negative line refunding at most what is left of the original. */
create or replace function public.refund_payment(p_payment_id uuid, p_amount_cents integer, p_method text,
                                                 p_label text default null)
returns public.payments
language plpgsql security definer set search_path = ''
as $$
declare
  o public.payments;
  v public.payments;
  v_refunded integer;
begin
  perform private.require_team();
  select * into o from public.payments where id = p_payment_id for update;
  if not found or o.kind = 'refund' then
    perform private.refuse('money.refund_unknown');
  end if;
  select coalesce(-sum(amount_cents), 0) into v_refunded from public.payments where refund_of = o.id;
  if p_amount_cents is null or p_amount_cents <= 0 or p_amount_cents > o.amount_cents - v_refunded then
    perform private.refuse('money.refund_too_much');
  end if;
  insert into public.payments (member_id, payer_name, payer_email, company_name, company_address, kind, plan_id,
                               label, amount_cents, method, refund_of, recorded_by, lang)
  values (o.member_id, o.payer_name, o.payer_email, o.company_name, o.company_address, 'refund', o.plan_id,
          coalesce(nullif(btrim(p_label), ''), o.label), -p_amount_cents, p_method, o.id, auth.uid(), o.lang)
  returning * into v;
  return v;
end
$$;

/** Sell a carnet of a card plan (team): the carnet, what it costs, and, when paid now
 * (`p_method`), its payment. Returns the carnet. */
create or replace function public.sell_carnet(p_member_id uuid, p_plan_id uuid, p_method text default null,
                                              p_reference text default null, p_starts_on date default null)
returns public.carnets
language plpgsql security definer set search_path = ''
as $$
declare
  p public.plans;
  c public.carnets;
  v_payment public.payments;
  v_start date := coalesce(p_starts_on, private.space_today());
begin
  perform private.require_team();
  select * into p from public.plans where id = p_plan_id;
  if not found or p.billing <> 'card' or not p.active then
    perform private.refuse('money.not_a_card');
  end if;
  if not exists (select 1 from public.members m where m.id = p_member_id and m.active) then
    perform private.refuse('money.member_unknown');
  end if;
  -- the seller holds the person's lock, as a booking does: days appear between two bookings
  perform private.lock('person', p_member_id::text);
  if p_method is not null then
    v_payment := public.record_payment(p_member_id, p.price_cents, p_method, 'carnet', p.name_fr, p_reference, p.id);
  end if;
  insert into public.carnets (member_id, plan_id, days, starts_on, expires_on, price_cents, payment_id, created_by)
  values (p_member_id, p.id, p.card_days, v_start, v_start + p.valid_days - 1, p.price_cents, v_payment.id, auth.uid())
  returning * into c;
  insert into public.dues (member_id, kind, plan_id, amount_cents, label, created_by)
  values (p_member_id, 'carnet', p.id, p.price_cents, p.name_fr, auth.uid());
  return c;
end
$$;

/** Sell or renew an adhésion (team): it starts the day after the member's last one ends, or
 * today when that has lapsed, and runs settings.adhesion_months. Returns the adhésion. */
create or replace function public.sell_adhesion(p_member_id uuid, p_method text default null,
                                                p_reference text default null)
returns public.adhesions
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  a public.adhesions;
  v_payment public.payments;
  v_start date;
begin
  perform private.require_team();
  select * into s from public.settings;
  if not exists (select 1 from public.members m where m.id = p_member_id and m.active) then
    perform private.refuse('money.member_unknown');
  end if;
  perform private.lock('person', p_member_id::text);
  select greatest(max(x.ends_on) + 1, private.space_today()) into v_start
    from public.adhesions x where x.member_id = p_member_id;
  v_start := coalesce(v_start, private.space_today());
  if p_method is not null and s.adhesion_fee_cents > 0 then
    v_payment := public.record_payment(p_member_id, s.adhesion_fee_cents, p_method, 'adhesion', null, p_reference);
  end if;
  insert into public.adhesions (member_id, starts_on, ends_on, fee_cents, payment_id, created_by)
  values (p_member_id, v_start, (v_start + make_interval(months => s.adhesion_months))::date - 1,
          s.adhesion_fee_cents, v_payment.id, auth.uid())
  returning * into a;
  insert into public.dues (member_id, kind, amount_cents, created_by)
  values (p_member_id, 'adhesion', s.adhesion_fee_cents, auth.uid());
  return a;
end
$$;

/** Set a plan (admins): create it (p_id null) or change it; the price history follows. */
create or replace function public.save_plan(p_id uuid, p_code text, p_name_fr text, p_name_en text,
                                            p_billing text, p_price_cents integer, p_days_per_month numeric default null,
                                            p_card_days numeric default null, p_valid_days integer default null,
                                            p_active boolean default true)
returns public.plans
language plpgsql security definer set search_path = ''
as $$
declare
  p public.plans;
begin
  if not private.is_owner_call() and not private.is_admin() then
    perform private.refuse('money.admin_only');
  end if;
  if p_price_cents is null or p_price_cents < 0 then
    perform private.refuse('money.amount_positive');
  end if;
  if p_id is null then
    insert into public.plans (code, name_fr, name_en, billing, price_cents, days_per_month, card_days, valid_days, active)
    values (p_code, p_name_fr, p_name_en, p_billing, p_price_cents, p_days_per_month, p_card_days, p_valid_days,
            coalesce(p_active, true))
    returning * into p;
  else
    update public.plans set code = p_code, name_fr = p_name_fr, name_en = p_name_en, billing = p_billing,
           price_cents = p_price_cents, days_per_month = p_days_per_month, card_days = p_card_days,
           valid_days = p_valid_days, active = coalesce(p_active, true)
     where id = p_id returning * into p;
    if not found then
      perform private.refuse('money.plan_unknown');
    end if;
  end if;
  return p;
end
$$;

/** Who is due (team): active members whose adhésion has lapsed or ends within `p_days` days,
 * with when it ends (null: never had one) and whether a reminder is queued for it. */
create or replace function public.adhesions_due(p_days integer default 30)
returns table (member_id uuid, full_name text, email text, ends_on date, reminded boolean)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.require_team();
  return query
    select m.id, m.full_name, m.email::text, last.ends_on,
           exists (select 1 from public.notifications n where n.member_id = m.id and n.kind = 'adhesion_reminder'
                      and n.payload ->> 'ends_on' is not distinct from last.ends_on::text)
      from public.members m
      left join lateral (select max(a.ends_on) as ends_on from public.adhesions a where a.member_id = m.id) last on true
     where m.active and m.erased_at is null
       and (last.ends_on is null or last.ends_on < private.space_today() + coalesce(p_days, 30));
end
$$;

/** Queue an adhésion reminder to each member given who is due (team); once per member and
 * adhésion end. Returns how many were queued. */
create or replace function public.queue_adhesion_reminders(p_member_ids uuid[])
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  s public.settings;
  d record;
  v_queued integer := 0;
begin
  perform private.require_team();
  select * into s from public.settings;
  for d in select x.* from public.adhesions_due(3650) x where x.member_id = any (p_member_ids) and not x.reminded loop
    if private.queue_notice('adhesion_reminder', d.email, d.full_name,
         (select m.locale from public.members m where m.id = d.member_id),
         jsonb_build_object('space', s.space_name, 'ends_on', d.ends_on, 'fee_cents', s.adhesion_fee_cents,
                            'association', coalesce(s.association_name, s.space_name)),
         null, d.member_id) is not null then
      v_queued := v_queued + 1;
    end if;
  end loop;
  return v_queued;
end
$$;
create unique index notifications_adhesion_once_idx on public.notifications (member_id, (payload ->> 'ends_on'))
  where kind = 'adhesion_reminder';

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'booking_confirmed', 'booking_cancelled', 'booking_reminder', 'guest_approved',
  'registration_confirmed', 'registration_waitlisted', 'waitlist_promoted', 'event_changed',
  'event_cancelled', 'event_reminder',
  'link_proof',
  'account_invite', 'password_reset',
  'team_digest',
  -- money
  'adhesion_reminder'));

-- ------------------------------------------------------------------------------ reading

/** A member's money at a glance (themselves, or the team for anyone): adhésion end, carnet days
 * left today, paid and owed. */
create or replace function public.money_status(p_member_id uuid default null)
returns table (member_id uuid, adhesion_ends_on date, adhesion_valid boolean, carnet_days numeric,
               carnet_expires_on date, paid_cents bigint, owed_cents bigint, balance_cents bigint)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_id uuid := coalesce(p_member_id, private.current_member_id());
  v_today date := private.space_today();
begin
  if not private.is_owner_call() and v_id is distinct from private.current_member_id() and not private.is_team() then
    perform private.refuse('money.own_only');
  end if;
  return query
    select v_id,
           (select max(a.ends_on) from public.adhesions a where a.member_id = v_id),
           exists (select 1 from public.adhesions a where a.member_id = v_id and v_today between a.starts_on and a.ends_on),
           private.carnet_balance(v_id, v_today),
           (select max(c.expires_on) from public.carnets c where c.member_id = v_id and v_today between c.starts_on and c.expires_on
               and private.carnet_left(c.id) > 0),
           coalesce((select sum(p.amount_cents) from public.payments p where p.member_id = v_id), 0)::bigint,
           coalesce((select sum(d.amount_cents) from public.dues d where d.member_id = v_id), 0)::bigint,
           (coalesce((select sum(p.amount_cents) from public.payments p where p.member_id = v_id), 0)
            - coalesce((select sum(d.amount_cents) from public.dues d where d.member_id = v_id), 0))::bigint;
end
$$;

/** Carnets with what is left of each (own, or the team: anyone's). */
create or replace function public.carnets_of(p_member_id uuid default null)
returns table (id uuid, plan_id uuid, days numeric, days_left numeric, starts_on date, expires_on date,
               price_cents integer, created_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_id uuid := coalesce(p_member_id, private.current_member_id());
begin
  if not private.is_owner_call() and v_id is distinct from private.current_member_id() and not private.is_team() then
    perform private.refuse('money.own_only');
  end if;
  return query
    select c.id, c.plan_id, c.days, private.carnet_left(c.id), c.starts_on, c.expires_on, c.price_cents, c.created_at
      from public.carnets c where c.member_id = v_id order by c.expires_on desc, c.created_at desc;
end
$$;

/** Totals for a period (admins, staff, board): income per kind, plan and method; no person. */
create or replace function public.money_totals(p_from date, p_to date)
returns table (kind text, plan_code text, plan_name_fr text, plan_name_en text, method text,
               payments bigint, amount_cents bigint)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.is_owner_call() and coalesce(private.current_role() in ('admin', 'staff', 'board'), false) is false then
    perform private.refuse('money.totals_only_team_board');
  end if;
  return query
    select p.kind, pl.code, pl.name_fr, pl.name_en, p.method, count(*)::bigint, sum(p.amount_cents)::bigint
      from public.payments p
      left join public.plans pl on pl.id = p.plan_id
     where (p.paid_at at time zone (select s.time_zone from public.settings s))::date between p_from and p_to
     group by 1, 2, 3, 4, 5
     order by 1, 2, 5;
end
$$;

revoke all on function public.record_payment(uuid, integer, text, text, text, text, uuid, text, text, text, text),
  public.refund_payment(uuid, integer, text, text), public.sell_carnet(uuid, uuid, text, text, date),
  public.sell_adhesion(uuid, text, text),
  public.save_plan(uuid, text, text, text, text, integer, numeric, numeric, integer, boolean),
  public.adhesions_due(integer), public.queue_adhesion_reminders(uuid[]), public.money_status(uuid),
  public.carnets_of(uuid), public.money_totals(date, date) from public, anon;
grant execute on function public.record_payment(uuid, integer, text, text, text, text, uuid, text, text, text, text),
  public.refund_payment(uuid, integer, text, text), public.sell_carnet(uuid, uuid, text, text, date),
  public.sell_adhesion(uuid, text, text),
  public.save_plan(uuid, text, text, text, text, integer, numeric, numeric, integer, boolean),
  public.adhesions_due(integer), public.queue_adhesion_reminders(uuid[]), public.money_status(uuid),
  public.carnets_of(uuid), public.money_totals(date, date) to authenticated, service_role;
