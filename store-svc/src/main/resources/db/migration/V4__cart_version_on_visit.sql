-- A pick applied without locks (Transactions.unlocked) reads the cart, then writes only if the cart is still
-- as read: the write locks the visit row and re-checks this version on it, so the version lives on the row
-- again (V2 had derived it from cart_events, which a concurrent commit can change under a statement's snapshot).
ALTER TABLE visits ADD COLUMN cart_version bigint NOT NULL DEFAULT 0;
UPDATE visits v SET cart_version = e.version
  FROM (SELECT visit_id, max(event_id) AS version FROM cart_events WHERE NOT refused GROUP BY visit_id) e
  WHERE e.visit_id = v.visit_id AND v.exited_at IS NULL;
DROP INDEX cart_events_by_visit;
