import { describe, expect, it } from 'vitest';
import { formatApiKey, generateKeyId, generateSecret } from '#shared/domain/api-key.ts';
import { cliRunner } from '../support/cli-process.ts';

// `keyward secret-pattern`: the expression a secret scanner is given must find every key the
// service mints, whole, and nothing that only looks like one. Hyperscan's `\z` (end of input)
// is JavaScript's `$` here; GitHub puts its own "before secret" boundary (start or a
// non-alphanumeric character) in front.

const { run } = cliRunner('secret-pattern');

async function scanner(args: string[] = [], env: Record<string, string> = {}) {
  const result = await run(['secret-pattern', '--json', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  const { pattern, afterSecret } = JSON.parse(result.stdout) as { pattern: string; afterSecret: string };
  const expression = new RegExp(`(?:^|[^0-9A-Za-z])(${pattern})(?=${afterSecret.replace('\\z', '$')})`, 'g');
  return (text: string) => [...text.matchAll(expression)].map((match) => match[1]);
}

describe('secret-pattern', () => {
  it('finds each of 10,000 minted keys, whole, in text around it', async () => {
    const find = await scanner();
    for (let i = 0; i < 10_000; i++) {
      const key = formatApiKey('kw', { keyId: generateKeyId(), secret: generateSecret() });
      expect(find(`export KEYWARD_API_KEY=${key}\n`)).toEqual([key]);
    }
  });

  it('finds nothing in look-alikes: a character short or long, another prefix, other characters', async () => {
    const find = await scanner();
    const key = formatApiKey('kw', { keyId: generateKeyId(), secret: generateSecret() });
    const lookAlikes = [
      key.slice(0, -1),
      `${key}x`,
      `${key}_more`,
      key.replace(/^kw_/, 'kx_'),
      key.replace(/^kw_/, 'KW_'),
      key.replace(/^kw_/, 'kw-'),
      `${key.slice(0, 20)}-${key.slice(21)}`,
      `akw_${key.slice(3)}`,
    ];
    for (const text of lookAlikes) expect(find(`token: ${text} end`), text).toEqual([]);
  });

  it("follows the deployment's prefix, from --prefix or KEYWARD_KEY_PREFIX, and refuses a bad one", async () => {
    const key = formatApiKey('acme', { keyId: generateKeyId(), secret: generateSecret() });
    expect((await scanner(['--prefix', 'acme']))(key)).toEqual([key]);
    expect((await scanner([], { KEYWARD_KEY_PREFIX: 'acme' }))(key)).toEqual([key]);
    expect((await scanner())(key)).toEqual([]);
    const bad = await run(['secret-pattern', '--prefix', 'Not-Valid'], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('1-10 lowercase letters or digits');
    const text = await run(['secret-pattern'], {});
    expect(text.stdout).toContain('push protection');
  });

  it('github setup prints the custom pattern, the webhook URL of this deployment and the App permissions', async () => {
    const result = await run(['github', 'setup', '--endpoint', 'https://keys.example.com/', '--json'], {});
    expect(result.code, result.stderr).toBe(0);
    const settings = JSON.parse(result.stdout);
    const pattern = JSON.parse((await run(['secret-pattern', '--json'], {})).stdout);
    expect(settings).toEqual({
      customPattern: { name: 'Keyward API key', ...pattern, pushProtection: true },
      webhookUrl: 'https://keys.example.com/v1/integrations/github/secret-scanning',
      app: {
        repositoryPermissions: { secret_scanning_alerts: 'write' },
        events: ['secret_scanning_alert'],
        contentType: 'application/json',
      },
    });
    const text = await run(['github', 'setup', '--endpoint', 'https://keys.example.com'], {});
    expect(text.stdout).toContain('Webhook URL:    https://keys.example.com/v1/integrations/github/secret-scanning');
    expect(text.stdout).toContain(`Secret format:  ${pattern.pattern}`);
  });
});
