import { InvalidArgumentError } from 'commander';
import type { RequestBody } from '#shared/client/keyward-client.ts';
import { metaValue } from '#shared/client/meta-text.ts';
import { CliError } from '../../api-client.ts';

export const keyPath = (keyId: string) => ({ params: { path: { keyId } } });

// ---- usage controls ----

export type KeyChange = RequestBody<'patch', '/v1/keys/{keyId}'>;
export type RateLimit = NonNullable<KeyChange['rateLimit']>;
export type Refill = NonNullable<NonNullable<KeyChange['credits']>['refill']>;
export type Meta = NonNullable<KeyChange['meta']>;

export const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
export const RATE_HINT = 'write uses/window with the window in s, m, h or d, e.g. 100/60s, 100/1m, 1000/1h, 10000/1d';

/** `100/60s`, `100/1m`, `1000/1h`, `10000/1d` (a missing count is 1: `100/m`). */
export function rateLimit(value: string): RateLimit {
  const match = /^(\d+)\/(\d*)([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`not a rate limit: ${RATE_HINT}.`);
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2] || '1') * WINDOW_UNITS[match[3]!]!;
  if (limit < 1 || limit > 1_000_000) throw new InvalidArgumentError('the number of uses must be from 1 to 1000000.');
  if (windowSeconds < 1 || windowSeconds > 86_400) throw new InvalidArgumentError('the window must be from 1s to 1d (86400s).');
  return { limit, windowSeconds };
}

/** `1000/monthly` or `50/daily`. */
export function refill(value: string): Refill {
  const match = /^(\d+)\/(daily|monthly)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('write amount/interval, e.g. 1000/monthly or 50/daily.');
  const amount = Number(match[1]);
  if (amount < 1 || amount > 1_000_000_000) throw new InvalidArgumentError('the amount must be from 1 to 1000000000.');
  return { amount, interval: match[2] as Refill['interval'] };
}

/** Collects repeated `--meta key=value` into one object. */
export function metaPair(value: string, previous: Meta | false | undefined): Meta {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('write key=value, e.g. --meta plan=pro (repeat --meta for more).');
  return { ...(previous || {}), [value.slice(0, at)]: metaValue(value.slice(at + 1)) };
}

export const META_HELP =
  'your own data as key=value, repeatable; numbers, true, false and null are JSON values, other values text (quote a value to keep it text: code=\'"5"\')';
export const REFILL_HELP = 'with --credits: set the credits back to amount daily or monthly, e.g. 1000/monthly';

/** The usage options of `keys create` and `keys update`; false is a `--no-…` option. */
export interface UsageOptions {
  owner?: string | false;
  meta?: Meta | false;
  rateLimit?: RateLimit | false;
  credits?: number | false;
  refill?: Refill;
  allowedIps?: string[] | false;
}

/** The usage fields to send: given ones as values, `--no-…` ones as null (which removes them). */
export function usageChange(options: UsageOptions): Pick<KeyChange, 'ownerId' | 'meta' | 'rateLimit' | 'credits' | 'allowedIps'> {
  if (options.refill && typeof options.credits !== 'number')
    throw new CliError('--refill needs --credits: credits and their refill are set together.');
  const value = <T>(given: T | false | undefined) => (given === false ? null : given);
  const fields = {
    ownerId: value(options.owner),
    meta: value(options.meta),
    rateLimit: value(options.rateLimit),
    credits:
      typeof options.credits === 'number'
        ? { remaining: options.credits, ...(options.refill ? { refill: options.refill } : {}) }
        : value(options.credits),
    allowedIps: value(options.allowedIps),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, given]) => given !== undefined));
}
