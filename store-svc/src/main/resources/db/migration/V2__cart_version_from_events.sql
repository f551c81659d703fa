-- A cart's version is the id of the last event applied to it (ids only grow under the visit's row lock), so
-- a pick no longer rewrites the visit row.
ALTER TABLE visits DROP COLUMN cart_version;
CREATE INDEX cart_events_by_visit ON cart_events (visit_id, event_id) WHERE NOT refused;
