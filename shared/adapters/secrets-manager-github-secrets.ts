import { GetSecretValueCommand, SecretsManagerClient, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { GithubApp, GithubSecrets } from '../ports.ts';
import { awsClientSettings, boundCalls } from './aws-clients.ts';

/** What the secrets need of a Secrets Manager client: reading one secret's value. */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** The ARNs of the secrets this function may read: the webhook's function has the first, the worker the second. */
export interface GithubSecretArns {
  webhookSecret?: string | undefined;
  app?: string | undefined;
}

const appShape = '{"appId": "<the App id>", "privateKey": "<the private key, PEM>"}';

/**
 * The GitHub integration's secrets in Secrets Manager: the webhook secret as plain text, and the
 * App's credentials as JSON {appId, privateKey}. Each is read once per cold start and kept; a
 * failed read is not kept, so the next call tries again. An error names the secret and what to
 * put in it, never what it holds.
 */
export class SecretsManagerGithubSecrets implements GithubSecrets {
  private readonly client: SecretReader;
  private readonly arns: GithubSecretArns;
  private webhook: Promise<string> | undefined;
  private appCredentials: Promise<GithubApp> | undefined;

  constructor(client: SecretReader, arns: GithubSecretArns) {
    this.client = client;
    this.arns = arns;
  }

  webhookSecret(): Promise<string> {
    this.webhook ??= this.read(this.arns.webhookSecret, 'KEYWARD_GITHUB_WEBHOOK_SECRET_ARN')
      .then(({ arn, text }) => {
        const secret = text?.trim();
        if (!secret)
          throw new Error(`The secret ${arn} holds no GitHub webhook secret: put the App's webhook secret in it, as plain text.`);
        return secret;
      })
      .catch((error: unknown) => {
        this.webhook = undefined;
        throw error;
      });
    return this.webhook;
  }

  app(): Promise<GithubApp> {
    this.appCredentials ??= this.read(this.arns.app, 'KEYWARD_GITHUB_APP_SECRET_ARN')
      .then(({ arn, text }) => parseApp(arn, text))
      .catch((error: unknown) => {
        this.appCredentials = undefined;
        throw error;
      });
    return this.appCredentials;
  }

  private async read(arn: string | undefined, setting: string): Promise<{ arn: string; text: string | undefined }> {
    if (!arn) throw new Error(`This function has no GitHub secret to read: set ${setting} to the secret's ARN.`);
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: arn }));
    return { arn, text: SecretString };
  }
}

function parseApp(arn: string, text: string | undefined): GithubApp {
  const wrong = () => new Error(`The secret ${arn} must hold the GitHub App as JSON ${appShape}.`);
  let app: Partial<Record<keyof GithubApp, unknown>> | null;
  try {
    app = JSON.parse(text ?? '');
  } catch {
    // JSON.parse's message quotes the text it could not read: not passed on.
    throw wrong();
  }
  const appId = app?.appId;
  const validId = (typeof appId === 'string' && appId.trim() !== '') || (typeof appId === 'number' && Number.isInteger(appId) && appId > 0);
  if (!validId || typeof app?.privateKey !== 'string' || app.privateKey.trim() === '') throw wrong();
  return { appId: String(appId).trim(), privateKey: app.privateKey };
}

/** The secrets at `arns`, over a Secrets Manager client with the same bounded calls as the other AWS clients. */
export function secretsManagerGithubSecrets(arns: GithubSecretArns, region: string): SecretsManagerGithubSecrets {
  return new SecretsManagerGithubSecrets(boundCalls(new SecretsManagerClient({ region, ...awsClientSettings }), 'secretsmanager'), arns);
}
