import { afterEach, describe, expect, it } from 'vitest';
import * as output from '../../cli/output.ts';
import { auditTable, details, keyDetails, keyTable, secretNotice, table, type AuditEvent, type KeyView } from '../../cli/output.ts';

// What the CLI prints of stored data must not drive the terminal: names written before the
// API refused control characters can still hold escapes, NUL, line breaks and bidi overrides.
const hostile = 'a\x1b]0;pwned\x07b\x1b[31mc\u202ed\x00e\r\nf\x9bg\t\x7f\u2066\u200f\u061c';
// C0 controls other than the line breaks between rows, DEL, C1, and the bidi controls.
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
// With colours off, not even a line break may come from the data.
const unsafeOrBreak = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

const key: KeyView = {
  id: 'Ab3dE5gH7jK9mN1p',
  name: `billing${hostile}`,
  description: `reads${hostile}`,
  type: 'privileged',
  scopes: [`orders:read${hostile}`],
  status: 'active',
  preview: 'kw_Ab3dE5gH7jK9mN1p…wxyz',
  recoverable: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: `someone${hostile}`,
  updatedAt: `not a time${hostile}`,
  lastUsedAt: null,
  expiresAt: null,
  ownerId: `customer${hostile}`,
  meta: { note: `note${hostile}` },
  rateLimit: null,
  credits: null,
  allowedIps: null,
  leakedAt: null,
};

const event: AuditEvent = {
  id: 'e1',
  at: '2026-01-01T00:00:00.000Z',
  action: `key.update${hostile}`,
  keyId: key.id,
  actor: `admin${hostile}`,
  sourceIp: `203.0.113.7${hostile}`,
  outcome: `failure${hostile}`,
};

const escapedName = String.raw`billinga\x1b]0;pwned\x07b\x1b[31mc\u202ed\x00e\x0d\x0af\x9bg\x09\x7f\u2066\u200f\u061c`;

describe('CLI text output', () => {
  const isTTY = process.stdout.isTTY;
  const noColor = process.env.NO_COLOR;
  afterEach(() => {
    process.stdout.isTTY = isTTY;
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  });

  it('shows control and bidi characters of a key as visible escapes, one row per key', () => {
    const text = keyTable([key, { ...key, id: 'Zz3dE5gH7jK9mN1p', name: 'plain' }]);
    expect(text).not.toMatch(unsafe);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(escapedName);
    expect(lines[2]).toMatch(/^Zz3dE5gH7jK9mN1p\s+plain\s+privileged\s+active/);
  });

  it('escapes every value of the key details, one line per label', () => {
    const text = keyDetails(key);
    expect(text).not.toMatch(unsafe);
    const lines = text.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[1]).toMatch(/^Name:\s+/);
    expect(lines[1]).toContain(escapedName);
    expect(lines[2]).toContain(`reads${escapedName.slice('billing'.length)}`);
    for (const line of lines) expect(line).toMatch(/^[A-Z][A-Za-z ]*:\s/);
  });

  it('escapes audit events, and the generic table and details', () => {
    for (const text of [
      auditTable([event]),
      table(['A', `B${hostile}`], [[`x${hostile}`, 'y']]),
      details([
        ['Key', `${key.name} (${key.id})`],
        ['Tenant', `acme${hostile}`],
      ]),
      secretNotice(`kw_${hostile}`),
    ]) {
      expect(text).not.toMatch(unsafe);
      expect(text).toContain(String.raw`\x1b]0;pwned\x07`);
    }
    expect(auditTable([event]).split('\n')).toHaveLength(2);
    expect(details([['Tenant', `acme${hostile}`]]).split('\n')).toHaveLength(1);
  });

  it('keeps its own colours on a terminal while the data stays escaped', () => {
    process.stdout.isTTY = true;
    delete process.env.NO_COLOR;
    const text = [keyTable([key]), keyDetails(key), auditTable([event])].join('\n');
    expect(text).toMatch(/\x1b\[1m/);
    // Remove only the styles the CLI itself adds: nothing unsafe may remain.
    const withoutStyles = text.replace(/\x1b\[[0-9;]*m/g, '');
    expect(withoutStyles).not.toMatch(unsafe);
    expect(withoutStyles).toContain(String.raw`\x1b[31m`);
  });

  it('escapes with printable(), leaving ordinary text (and other scripts) alone', () => {
    const printable = (output as Record<string, unknown>).printable as (text: string) => string;
    expect(printable(hostile)).not.toMatch(unsafeOrBreak);
    expect(printable('\x1b\u202e\x00\x9b\n')).toBe(String.raw`\x1b\u202e\x00\x9b\x0a`);
    expect(printable('naïve Ünïcode — 日本語 עברית 🙂')).toBe('naïve Ünïcode — 日本語 עברית 🙂');
    expect(printable(printable(hostile))).toBe(printable(hostile));
  });
});
