import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { getGithubWebhook } from '#shared/runtime.ts';

// Answers GitHub at once: reading the alert's secret and resolving it is the queued worker's part.
export const handler = httpHandler(route.githubSecretScanning, async ({ body, headers, now }) => {
  await getGithubWebhook().receive(
    {
      body,
      signature: headers['x-hub-signature-256'],
      event: headers['x-github-event'],
      deliveryId: headers['x-github-delivery'],
    },
    now,
  );
  return { received: true as const };
});
