-- Passkeys (WebAuthn): the credentials that sign a user in, the handle
-- that names a user to authenticators, and the ceremonies begun and not yet
-- finished. And how each session signed in, for the list of sessions.

-- +goose Up
-- The user handle authenticators keep with a user's passkeys: random, so
-- it tells nothing about the account (not its id, not its address).
CREATE TABLE webauthn_users (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle  TEXT   NOT NULL UNIQUE
);

-- A passkey, known by its credential id (base64url). credential is the
-- public key with what the authenticator said of itself (JSON);
-- sign_count is the authenticator's counter, which must grow at every
-- sign-in unless the authenticator keeps none (0). unproven is true for a
-- passkey added before the account's address was verified: whoever added
-- it may not own the address, and a password reset removes it.
-- scaffold:if .SQLite
--~CREATE TABLE passkeys (
--~    id            INTEGER PRIMARY KEY AUTOINCREMENT,
-- scaffold:else
CREATE TABLE passkeys (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- scaffold:end
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    credential    TEXT   NOT NULL,
    sign_count    BIGINT NOT NULL,
    unproven      BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);

-- A registration or a sign-in with a passkey between its options and its
-- answer, known by the SHA-256 of its id (the web app holds the id). data
-- is the challenge and what the answer is checked against (JSON); user_id
-- is the user adding a passkey, NULL for a sign-in. Each is deleted when
-- its answer comes.
CREATE TABLE webauthn_ceremonies (
    id_hash    TEXT   PRIMARY KEY,
    kind       TEXT   NOT NULL,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    data       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_expires_at ON webauthn_ceremonies (expires_at);

-- How a sign-in was made: "password", "passkey" or a provider's id, and
-- "+totp" or "+recovery_code" after a second factor. A pending sign-in
-- keeps its first factor's until the second comes.
ALTER TABLE mfa_pending ADD COLUMN sign_in TEXT NOT NULL DEFAULT '';
-- scaffold:if .BrowserSessions
ALTER TABLE sessions ADD COLUMN sign_in TEXT NOT NULL DEFAULT '';
-- scaffold:end
-- scaffold:if .BearerTokens
ALTER TABLE refresh_tokens ADD COLUMN sign_in TEXT NOT NULL DEFAULT '';
-- scaffold:end

-- +goose Down
-- scaffold:if .BearerTokens
ALTER TABLE refresh_tokens DROP COLUMN sign_in;
-- scaffold:end
-- scaffold:if .BrowserSessions
ALTER TABLE sessions DROP COLUMN sign_in;
-- scaffold:end
ALTER TABLE mfa_pending DROP COLUMN sign_in;
DROP TABLE webauthn_ceremonies;
DROP TABLE passkeys;
DROP TABLE webauthn_users;
