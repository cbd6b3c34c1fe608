import { readLocalState } from '#local/local-state.ts';
import type { Adapters } from '#shared/runtime.ts';
import { deployedStackEnvironment } from './deployed-stack.ts';

/**
 * The store an operator command works on directly, as an explicit configuration: the deployed
 * stack's (with the caller's AWS credentials) with a stage, or else the running local one's.
 * Throws with what to do when there is neither.
 */
export async function operatorSettings(stage: string | undefined, command: string): Promise<Record<string, string | undefined>> {
  let settings: Record<string, string | undefined> = { ...process.env };
  if (stage) return { ...settings, ...(await deployedStackEnvironment(stage)) };
  const local = readLocalState();
  if (local && !settings.KEYWARD_DYNAMODB_ENDPOINT) {
    settings = {
      KEYWARD_TABLE_NAME: local.tableName,
      KEYWARD_KEYRING_FILE: local.keyringFile,
      ...settings,
      KEYWARD_DYNAMODB_ENDPOINT: local.dynamoDbEndpoint,
    };
  }
  if (!settings.KEYWARD_DYNAMODB_ENDPOINT) {
    throw new Error(
      `No running Keyward found: start it with \`npm start\` in this folder (or pass --stage <stage> for a deployed one), then run ${command} again.`,
    );
  }
  return settings;
}

/** The adapters of that store, loaded only now: the API commands never need the AWS SDK's DynamoDB and KMS clients. */
export async function operatorAdapters(settings: Record<string, string | undefined>): Promise<Adapters> {
  // Powertools reads its own settings when the logger loads.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { loadConfig } = await import('#shared/config.ts');
  const { createAdapters } = await import('#shared/runtime.ts');
  return createAdapters(loadConfig(settings));
}
