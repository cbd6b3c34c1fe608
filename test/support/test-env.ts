import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

// Runs before each test file imports anything: the runtime reads these once.
process.env.KEYWARD_DYNAMODB_ENDPOINT = inject('dynamoDbEndpoint');
process.env.KEYWARD_TABLE_NAME = `keyward-test-${randomUUID().slice(0, 8)}`;
const files = mkdtempSync(join(tmpdir(), 'keyward-test-'));
process.env.KEYWARD_KEYRING_FILE = join(files, 'keyring.key');
process.env.KEYWARD_USES_FILE = join(files, 'uses.ndjson');
process.env.KEYWARD_ISSUER = 'https://keyward.test';
process.env.KEYWARD_CORS_ORIGIN = 'https://console.keyward.test';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
