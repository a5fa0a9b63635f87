-- Account lifecycle: verified emails, one-time tokens (password reset, email
-- verification), the mail outbox, and what the sessions list shows.

-- +goose Up
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;

-- Tokens mailed to a user, stored as SHA-256 hashes like every other
-- credential; each is deleted when it is used.
CREATE TABLE user_tokens (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX user_tokens_user_id ON user_tokens (user_id, purpose);

-- Mails to send, written in the same transaction as what causes them and
-- drained by a worker (internal/mail): a mail survives an SMTP outage and a
-- crash. A row holds what the mail is about, never a token: the worker makes
-- the token when it sends.
-- scaffold:if .SQLite
--~CREATE TABLE outbox (
--~    id              INTEGER PRIMARY KEY AUTOINCREMENT,
-- scaffold:else
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- scaffold:end
    kind            TEXT    NOT NULL,
    user_id         BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    email           TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    locked_until    BIGINT  NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    failed_at       BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE failed_at IS NULL;
-- scaffold:if .BrowserSessions

-- Sessions get a public id (the list of sessions shows it; the session id
-- itself never leaves its cookie) and the browser that signed in.
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
-- scaffold:if .SQLite
--~UPDATE sessions SET public_id = lower(hex(randomblob(16)));
-- scaffold:else
UPDATE sessions SET public_id = replace(gen_random_uuid()::text, '-', '');
-- scaffold:end
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
-- scaffold:end
-- scaffold:if .BearerTokens

-- Every token of a family carries when the family began and the client that
-- signed in, for the list of sessions.
ALTER TABLE refresh_tokens ADD COLUMN family_created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE refresh_tokens SET family_created_at = created_at;
-- scaffold:end

-- +goose Down
-- scaffold:if .BearerTokens
ALTER TABLE refresh_tokens DROP COLUMN user_agent;
ALTER TABLE refresh_tokens DROP COLUMN family_created_at;
-- scaffold:end
-- scaffold:if .BrowserSessions
DROP INDEX sessions_public_id;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE sessions DROP COLUMN public_id;
-- scaffold:end
DROP TABLE outbox;
DROP TABLE user_tokens;
ALTER TABLE users DROP COLUMN email_verified;
