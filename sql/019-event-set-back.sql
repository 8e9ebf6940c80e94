-- 019-event-set-back.sql: where a listing of events up to a time ends, in
-- O(log n) (issue 14: events --until over 10,000,000 events).
--
-- The events after the first whose ts_max (018) is later than T have a
-- ts later than T, but for those written with the clock set back (ts
-- below the ts_max of the events before) and those with no ts_max
-- (written behind the library's back): these few are indexed here, and
-- a listing up to T reads the trail up to that first event, then only
-- these (scConnectListEvents).

CREATE INDEX events_set_back ON events (id) WHERE ts_max IS NULL OR ts < ts_max;
