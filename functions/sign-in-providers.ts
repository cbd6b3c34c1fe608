import { getConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

/** What a console or CLI needs to start a sign-in: never a secret, only issuers and public client ids. */
export const handler = httpHandler(route.signInProviders, async () => ({
  providers: getConfig().identityProviders.map(({ id, name, issuer, consoleClientId, cliClientId }) => ({
    id,
    name,
    issuer,
    consoleClientId: consoleClientId ?? null,
    cliClientId: cliClientId ?? null,
  })),
}));
