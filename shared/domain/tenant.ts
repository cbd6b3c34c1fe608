/** Tenant ids, as API.md defines them: safe in keys, URLs and log lines. */
export const tenantPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;
