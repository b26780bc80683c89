/**
 * The client-token sweep's index: expired records are found, the earliest first, by a range scan on
 * `expires_at`, so a sweep costs what it deletes, not the size of the table. Nothing else changes: the
 * commit function already replaces an expired record in place, and the sweep job itself is created by
 * the first worker that starts (it needs no row here).
 *
 * The index is built inside the migration's transaction, which keeps commits from writing client tokens
 * until it is built: well under a second per million rows.
 */
export const clientTokenExpiry = (s: string): string => `
create index client_tokens_expiry on ${s}.client_tokens (expires_at);
comment on column ${s}.client_tokens.expires_at is
  'Epoch ms after which the token may be used again; the expire-client-tokens job deletes the record then.';
`;
