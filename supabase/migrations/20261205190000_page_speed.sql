-- Page speed (issue #16): what the signed-in pages read on every rerun must not grow with the space.
--
-- The audit page reads its newest 50 changes uncached (it answers "who changed this a minute ago",
-- also from the command line) ordered by (at desc, id desc). The index on (at) alone could not
-- give that order, so every rerun sorted the whole log: 108 ms on the large demo space (12,000
-- changes), 0.6 ms with this index (measured with explain analyze as an admin).
create index audit_log_at_id_idx on public.audit_log (at desc, id desc);
