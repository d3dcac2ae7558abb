// Shared naming of switchyard's own credentials, so the hot path can strip
// them from proxied requests without knowing anything about admin auth.
/** Every admin/OFREP API token starts with this prefix. */
export const API_TOKEN_PREFIX = "syk_";
/** Cookie that carries a dashboard session. */
export const ADMIN_SESSION_COOKIE = "sy_admin";
