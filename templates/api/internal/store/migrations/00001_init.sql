-- +goose Up
-- scaffold:if .SQLite
--~CREATE TABLE users (
--~    id            INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
--~    email         TEXT    NOT NULL UNIQUE,
--~    password_hash TEXT    NOT NULL,
--~    created_at    INTEGER NOT NULL
--~);
-- scaffold:else
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
-- scaffold:end
-- scaffold:if .BrowserSessions

-- A session is known by the SHA-256 of its id: the id itself lives only in
-- the browser's cookie, so a copy of this table signs nobody in.
CREATE TABLE sessions (
    id_hash      TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
-- scaffold:end
-- scaffold:if .BearerTokens

-- Refresh tokens, also stored as SHA-256 hashes. One family per sign-in;
-- rotated_at is set when a token has been exchanged for its successor.
CREATE TABLE refresh_tokens (
    token_hash TEXT   PRIMARY KEY,
    family_id  TEXT   NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);
-- scaffold:end
-- scaffold:if .SQLite
--~
--~CREATE TABLE notes (
--~    id         INTEGER PRIMARY KEY AUTOINCREMENT,
--~    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
--~    title      TEXT    NOT NULL,
--~    body       TEXT    NOT NULL,
--~    created_at BIGINT  NOT NULL
--~);
-- scaffold:else

CREATE TABLE notes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
-- scaffold:end
CREATE INDEX notes_user_id ON notes (user_id, id);

-- +goose Down
DROP TABLE notes;
-- scaffold:if .BearerTokens
DROP TABLE refresh_tokens;
-- scaffold:end
-- scaffold:if .BrowserSessions
DROP TABLE sessions;
-- scaffold:end
DROP TABLE users;
