import { connect, normaliseEndpoint } from '../api-client.ts';
import { saveCredentials } from '../credentials.ts';
import { printable, printJson, relativeTime } from '../output.ts';
import { chooseProvider, exchangeIdToken, identityProvider, signIn } from '../sso.ts';

export interface SsoLoginOptions {
  endpoint: string;
  provider?: string;
  tenant?: string;
  device?: boolean;
  browser: boolean;
  json?: boolean;
}

/** `keyward login --sso`: signs the person in at a provider the deployment trusts and saves a Keyward token, renewable while that sign-in lasts. */
export async function loginWithSso(options: SsoLoginOptions): Promise<void> {
  const endpoint = normaliseEndpoint(options.endpoint);
  const { providers } = await connect(endpoint).call((http) => http.GET('/v1/sign-in/providers'));
  const provider = chooseProvider(providers, options.provider, endpoint);
  const config = await identityProvider(provider.issuer, provider.cliClientId);
  const { idToken, refreshToken } = await signIn(config, { device: options.device, openBrowser: options.browser });
  const exchanged = await exchangeIdToken(endpoint, idToken, options.tenant);
  const file = saveCredentials({
    endpoint,
    ...exchanged,
    sso: {
      provider: provider.id,
      issuer: provider.issuer,
      clientId: provider.cliClientId,
      ...(options.tenant ? { tenant: options.tenant } : {}),
      ...(refreshToken ? { refreshToken } : {}),
    },
  });
  const who = await connect(endpoint, { kind: 'token', token: exchanged.token, expiresAt: exchanged.tokenExpiresAt }).call((http) =>
    http.GET('/v1/whoami'),
  );
  if (options.json) return printJson({ endpoint, provider: provider.id, ...who });
  const person = 'person' in who ? `${who.person.email ?? who.person.name ?? who.person.id} (${who.person.role})` : who.key.name;
  console.log(`Logged in to ${endpoint} as ${printable(person)} of tenant '${printable(who.tenant)}' through ${printable(provider.name)}.`);
  const renewal = refreshToken ? `, and is renewed while your sign-in at ${printable(provider.name)} lasts` : '';
  console.log(
    `The token expires ${relativeTime(exchanged.tokenExpiresAt)} (${exchanged.tokenExpiresAt})${renewal}; it is saved in ${file}.`,
  );
}
