-- identity-svc keeps its tables in their own schema (with their own Flyway history) beside store-svc's.
CREATE TABLE faces (
  face_id      text PRIMARY KEY,
  subject_name text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per enrolled photo: 512 little-endian float32 (unit length); the photo itself only when asked for.
CREATE TABLE face_embeddings (
  id         bigserial PRIMARY KEY,
  face_id    text NOT NULL REFERENCES faces ON DELETE CASCADE,
  embedding  bytea NOT NULL,
  photo      bytea,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX face_embeddings_by_face ON face_embeddings (face_id);
