import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { freePort } from '#local/dynamodb-local.ts';

/**
 * GitHub's REST API as the secret-scanning worker uses it, for the bench: an installation token
 * for any App JWT, the alerts it is given (their secret included), and their resolution.
 * No checks: the integration test proves the worker's credentials; this only times it.
 */
export async function startGithubStandIn() {
  const port = await freePort();
  const app = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const alerts = new Map<string, { secret: string; state: string }>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://github.test').pathname;
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    request.resume();
    request.on('end', () => {
      if (/^\/app\/installations\/\d+\/access_tokens$/.test(path))
        return json(201, { token: `ghs_${randomUUID()}`, expires_at: new Date(Date.now() + 3600_000).toISOString() });
      const match = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(path);
      const alert = match && alerts.get(`${match[1]}#${match[2]}`);
      if (!alert) return json(404, { message: 'Not Found' });
      if (request.method === 'PATCH') alert.state = 'resolved';
      json(200, {
        number: Number(match[2]),
        state: alert.state,
        secret: alert.secret,
        secret_type: 'keyward',
        html_url: `https://github.com/${match[1]}/security/secret-scanning/${match[2]}`,
      });
    });
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    appPrivateKey: app.privateKey,
    /** Opens an alert for `secret` in `repository`, as a push would. */
    alert: (repository: string, number: number, secret: string) => alerts.set(`${repository}#${number}`, { secret, state: 'open' }),
    resolved: (repository: string, number: number) => alerts.get(`${repository}#${number}`)?.state === 'resolved',
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
