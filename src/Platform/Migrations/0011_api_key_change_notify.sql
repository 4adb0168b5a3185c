-- Servers cache validated API keys for a few seconds. Every change to a key row (revoke, expiry, scopes, owner, the
-- at-most-once-a-minute last_used_at write) and its deletion NOTIFYs the key's hash (hex) on crownest_api_keys, so
-- every instance drops its cached entry at once and the next request reads the row again.
CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('crownest_api_keys', encode(OLD.key_hash, 'hex'));
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_change
    AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_keys_notify_change();
