-- One journal row per transaction, holding all of its events in order: a pick journals two events, and a row
-- each cost PostgreSQL about as much as the pick's cart write. A StoreEvent's id is now its row's id * 256 plus
-- its position in the row (JournalReader), which keeps ids increasing in commit order past the rows before.
ALTER TABLE store_events ADD COLUMN bodies bytea[];
UPDATE store_events SET bodies = ARRAY[body];
ALTER TABLE store_events ALTER COLUMN bodies SET NOT NULL, DROP COLUMN body;
