import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GithubApp, GithubSecrets } from '../ports.ts';
import { readOrCreateSecretFile } from './local-secret-file.ts';

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
    this.webhook ??= readOrCreateSecretFile(this.files.webhookSecret, () => randomBytes(32).toString('hex'));
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
