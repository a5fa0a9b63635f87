-- Social sign-in: the provider accounts (identities) that sign a user in,
-- and the sign-ins begun with a provider and not yet finished.

-- +goose Up
-- An identity is a provider's account (provider, subject) connected to one
-- user. Its email is the one the provider gave, shown in the settings; the
-- provider's tokens are not kept.
-- scaffold:if .SQLite
--~CREATE TABLE identities (
--~    id         INTEGER PRIMARY KEY AUTOINCREMENT,
-- scaffold:else
CREATE TABLE identities (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- scaffold:end
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    email      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_user_id ON identities (user_id);

-- A sign-in with a provider between its start and its callback, known by
-- the SHA-256 of its state (the state itself is in the browser's cookie and
-- the provider's redirect). It holds the PKCE verifier and the nonce, and
-- for connecting a provider to an account, the user. Each is deleted when
-- the callback uses it.
CREATE TABLE oauth_flows (
    state_hash TEXT   PRIMARY KEY,
    provider   TEXT   NOT NULL,
    verifier   TEXT   NOT NULL,
    nonce      TEXT   NOT NULL,
    return_to  TEXT   NOT NULL,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_flows_expires_at ON oauth_flows (expires_at);

-- +goose Down
DROP TABLE oauth_flows;
DROP TABLE identities;
