import { resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

/**
 * Starts one in-memory DynamoDB Local on a free port for every test file, and builds the console
 * once, before any file serves it (files built it themselves would rewrite it under each other).
 */
export default async function setup(project: TestProject) {
  const [dynamoDb] = await Promise.all([
    startDynamoDbLocal(),
    build({ configFile: resolve(import.meta.dirname, '../../console/vite.config.ts'), logLevel: 'warn' }),
  ]);
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  return () => dynamoDb.stop();
}
