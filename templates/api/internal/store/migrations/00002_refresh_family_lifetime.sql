-- scaffold:file .BearerTokens
-- Refresh token families end SESSION_LIFETIME after sign-in, however often
-- they rotate: every token carries its family's end. Tokens issued before
-- this migration get their own expiry as their family's end.

-- +goose Up
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE refresh_tokens SET family_expires_at = expires_at;

-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN family_expires_at;
