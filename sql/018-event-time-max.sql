-- 018-event-time-max.sql: where a time falls in the audit trail, in
-- O(log n) (issue 14: events --since over 10,000,000 events).
--
-- events.ts_max: the largest ts of the trail up to this event (this one's
--   or an earlier one's): the events are in commit order (id) and their
--   times the clock's, which may have been set back, so ts is not sorted
--   by id but ts_max is. The smallest id whose ts_max is at least T is
--   then the smallest id of an event of time T or later, found by a
--   binary search over ids (scConnectListEvents), without reading the
--   events of the window before its first row. Written with each event
--   (SC_EVENT_WHO_VALUES); here computed for the events already there.

ALTER TABLE events ADD COLUMN ts_max INTEGER;
UPDATE events SET ts_max = w.ts_max
FROM (SELECT id, max(ts) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS ts_max FROM events) AS w
WHERE events.id = w.id;
