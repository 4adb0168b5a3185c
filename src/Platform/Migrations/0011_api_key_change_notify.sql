-- Servers cache validated API keys for a few seconds. Any change that can end a key's validity (revoke, expiry,
-- scopes, owner, hash) or its deletion NOTIFYs the key's hash (hex) on crownest_api_keys, so every instance drops
-- its cached entry at once; last_used_at bookkeeping does not fire it.
CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crownest_api_keys', encode(OLD.key_hash, 'hex'));
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_change
    AFTER UPDATE OF revoked_at, expires_at, scopes, key_hash, user_id, organization_id OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_keys_notify_change();
