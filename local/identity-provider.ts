import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { fileAdapterFactory } from './identity-provider-store.ts';
import {
  CLI_CLIENT_ID,
  CONSOLE_CLIENT_ID,
  findPersonByEmail,
  IDP_DIR,
  type LocalPerson,
  passwordMatches,
  readPeople,
} from './local-people.ts';

/**
 * The OpenID Provider `npm start` runs beside Keyward on the loopback: panva's oidc-provider
 * (an OpenID-certified implementation) with its development pages off and a login page of
 * our own that checks a person's hashed password. Keyward trusts it as provider `local`,
 * exactly as it would Okta or Cognito: nothing in Keyward knows it is local.
 */

const FORM_LIMIT_BYTES = 4096;

interface ProviderKeys {
  signing: JWK[];
  cookies: string[];
}

/** The provider's signing key and cookie keys, made on first start and kept under `.data/` so sessions and tokens outlive a restart. */
async function providerKeys(dir: string): Promise<ProviderKeys> {
  const file = join(dir, 'keys.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProviderKeys;
  } catch {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signing = [{ ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('base64url'), alg: 'RS256', use: 'sig' }];
    const keys = { signing, cookies: [randomBytes(32).toString('base64url')] };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}

const account = (person: LocalPerson) => ({
  accountId: person.sub,
  claims: () => ({ sub: person.sub, email: person.email, email_verified: true, name: person.name, groups: person.groups }),
});

function configuration(consoleOrigin: string, keys: ProviderKeys, dir: string): Configuration {
  return {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_name: 'Keyward console',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${consoleOrigin}/`],
        post_logout_redirect_uris: [`${consoleOrigin}/`],
      },
      {
        client_id: CLI_CLIENT_ID,
        client_name: 'Keyward CLI',
        // A native client's loopback redirect may use any port (RFC 8252 §7.3).
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    adapter: fileAdapterFactory(join(dir, 'state.json')),
    jwks: { keys: keys.signing },
    cookies: { keys: keys.cookies },
    pkce: { required: () => true },
    // Groups travel with `openid`: every client that signs someone in gets them, in the ID token too.
    claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, deviceFlow: { enabled: true }, revocation: { enabled: true } },
    // The CLI's refresh token ends with the person's session here: it re-signs in silently only while that lasts.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { Session: 8 * 3600, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Grant: 8 * 3600, DeviceCode: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const person = readPeople(dir).find((candidate) => candidate.sub === sub);
      return person ? account(person) : undefined;
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function loginPage(uid: string, email: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Keyward local sign-in</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #c9ced8;border-radius:8px;padding:2rem;width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;font-weight:600;margin-top:1rem}
input{box-sizing:border-box;width:100%;padding:.5rem;border:1px solid #6b7385;border-radius:4px;font:inherit}
button{margin-top:1.5rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#1f4fbf;color:#fff;font:inherit;font-weight:600}
.error{color:#a1121b;font-weight:600}p.hint{color:#4a5263;font-size:.9rem}
</style></head><body><main>
<h1>Sign in</h1>
<p class="hint">Keyward's local identity provider. Add people with <code>npm run keyward -- people add</code>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${error || !email ? ' autofocus' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > FORM_LIMIT_BYTES) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/** The one dummy hash an unknown e-mail is checked against, so both refusals take as long. */
const nobody: LocalPerson = {
  sub: '',
  email: '',
  name: '',
  groups: [],
  passwordHash: 'AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};

function send(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // After the form, the provider redirects to a client on the loopback: form-action must allow those.
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/** Our login step: shows the form, checks the password, and hands the person back to the provider. */
async function interaction(provider: Provider, dir: string, req: IncomingMessage, res: ServerResponse, uid: string, login: boolean) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, '<p>This sign-in has expired: go back and start again.</p>');
  if (details.prompt.name === 'consent') {
    // Only the two first-party clients exist: what they ask for is granted without a question
    // (the provider asks on every sign-in of a native client, and on a web client's first).
    const { missingOIDCScope, missingOIDCClaims } = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
    if (!grant) return send(res, 400, '<p>This sign-in has expired: go back and start again.</p>');
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  if (!login) return send(res, 200, loginPage(uid, String(details.params.login_hint ?? '')));
  const form = await readForm(req);
  const email = form.get('email') ?? '';
  const person = findPersonByEmail(email, dir);
  const matches = await passwordMatches(person ?? nobody, form.get('password') ?? '');
  if (!person || !matches) return send(res, 401, loginPage(uid, email, 'Wrong e-mail or password.'));
  await provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
}

export interface RunningIdentityProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Starts the provider on 127.0.0.1:`port`, trusting the console at `consoleOrigin`, with its state in `dir`. */
export async function startIdentityProvider(options: {
  port: number;
  consoleOrigin: string;
  dir?: string;
}): Promise<RunningIdentityProvider> {
  const { dir = IDP_DIR } = options;
  const issuer = `http://127.0.0.1:${options.port}`;
  const provider = new Provider(issuer, configuration(options.consoleOrigin, await providerKeys(dir), dir));
  const handleProvider = provider.callback();
  const server: Server = createServer((req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) return void handleProvider(req, res);
    const login = Boolean(match[2]);
    if (req.method !== (login ? 'POST' : 'GET')) return send(res, 405, '<p>Method not allowed.</p>');
    interaction(provider, dir, req, res, match[1]!, login).catch((error: unknown) => {
      const expired = error instanceof Error && /interaction session|not found/i.test(error.message);
      if (!res.headersSent)
        send(res, expired ? 400 : 500, expired ? '<p>This sign-in has expired: go back and start again.</p>' : '<p>Sign-in failed.</p>');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    issuer,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
