import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { apiTypesFile, apiTypesSource } from '../../scripts/generate-api-types.ts';

// The console and the CLI type their calls with the committed file: it must be what the
// route table generates now, even where nobody ran the generator.
describe('generated API types', () => {
  it('match the OpenAPI document of the route table', async () => {
    expect(readFileSync(apiTypesFile, 'utf8'), 'shared/client/api-types.ts is stale: run `npm run generate:api-types`').toBe(
      await apiTypesSource(),
    );
  });
});
