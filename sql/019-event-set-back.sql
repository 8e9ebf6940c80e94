-- 019-event-set-back.sql: where a listing of events up to a time ends, in
-- O(log n) (issue 14: events --until over 10,000,000 events).
--
-- events_set_back: the events written with the clock set back (ts below
--   the ts_max of the events before them). After the first event whose
--   ts_max (018) is later than T, only these can be of time T or
--   earlier: a listing up to T reads the trail up to that event, then
--   these few (scConnectListEvents). Empty while the clock only goes
--   forward.
-- events_no_ts_max: events written behind the library's back, without
--   ts_max. While there is one, a listing by time reads the whole trail
--   (their times are in no ts_max); each event the library writes counts
--   their times in its own ts_max (SC_EVENT_WHO_VALUES).

CREATE INDEX events_set_back ON events (id) WHERE ts < ts_max;
CREATE INDEX events_no_ts_max ON events (id) WHERE ts_max IS NULL;
