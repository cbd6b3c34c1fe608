import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GithubApp, GithubSecrets } from '../ports.ts';

/**
 * The GitHub integration's secrets in local files: the webhook secret, made on first use for
 * the GitHub App's webhook settings, and the App's `{"appId", "privateKey"}` as GitHub issued it.
 * Each is read once; a missing App file fails only the alert that needed it, with what to do.
 */
export class LocalGithubSecrets implements GithubSecrets {
  private readonly files: { webhookSecret: string; app: string };
  private webhook: string | undefined;
  private appCredentials: GithubApp | undefined;

  constructor(files: LocalGithubSecrets['files']) {
    this.files = files;
  }

  async webhookSecret(): Promise<string> {
    this.webhook ??= readOrCreateSecret(this.files.webhookSecret);
    return this.webhook;
  }

  async app(): Promise<GithubApp> {
    if (this.appCredentials) return this.appCredentials;
    let app: Partial<Record<keyof GithubApp, unknown>>;
    try {
      app = JSON.parse(readFileSync(this.files.app, 'utf8'));
    } catch {
      throw new Error(`The GitHub App is not configured: write {"appId", "privateKey"} to ${this.files.app}.`);
    }
    if (!['string', 'number'].includes(typeof app.appId) || typeof app.privateKey !== 'string')
      throw new Error(`${this.files.app} must hold {"appId": "<App id>", "privateKey": "<PEM>"}.`);
    this.appCredentials = { appId: String(app.appId), privateKey: app.privateKey };
    return this.appCredentials;
  }
}

function readOrCreateSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  // `wx`: a second process making it at the same moment keeps the first one's secret.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}
