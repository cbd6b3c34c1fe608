/** Tenant ids: 2-63 lowercase letters, digits or dashes, starting with a letter or digit; safe in keys, URLs and log lines. */
export const tenantPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;
