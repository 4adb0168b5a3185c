-- Early keys were granted the wildcard scope '*'; scopes are now named (admin implies the rest), so such keys get
-- the full list and keep working exactly as before.
UPDATE api_keys
SET scopes = ARRAY['app:read', 'app:write', 'app:deploy', 'preview:create', 'preview:read', 'preview:revoke',
                   'sandbox:read', 'sandbox:write', 'admin']
WHERE '*' = ANY (scopes);
