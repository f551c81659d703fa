-- Age-restricted items, and until when a manager's ID check lets a shopper take them.
ALTER TABLE items ADD COLUMN age_restricted boolean NOT NULL DEFAULT false,
  ADD COLUMN minimum_age integer NOT NULL DEFAULT 0;
ALTER TABLE shoppers ADD COLUMN age_verified_until timestamptz;
