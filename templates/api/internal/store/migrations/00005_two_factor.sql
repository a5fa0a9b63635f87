-- Two-factor authentication: an authenticator app's secret (TOTP), the
-- recovery codes that stand in for it, and the sign-ins waiting for the
-- second factor.

-- +goose Up
-- An account's TOTP secret; enabled_at is set once a code proved the app
-- has it, and last_step is the time step of the last code accepted (a code
-- works once).
CREATE TABLE totp_secrets (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT   NOT NULL,
    enabled_at BIGINT,
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Recovery codes, stored as SHA-256 hashes; each is deleted when used.
CREATE TABLE recovery_codes (
    code_hash TEXT   PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);

-- A sign-in whose first factor was proven (a password, a provider), known
-- by the SHA-256 of its id, which the browser's cookie (or a bearer
-- client's mfa_token) holds.
CREATE TABLE mfa_pending (
    id_hash    TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client     TEXT    NOT NULL,
    return_to  TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX mfa_pending_expires_at ON mfa_pending (expires_at);

-- +goose Down
DROP TABLE mfa_pending;
DROP TABLE recovery_codes;
DROP TABLE totp_secrets;
