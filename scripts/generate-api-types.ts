// Writes shared/client/api-types.ts: the TypeScript types of the OpenAPI document that
// GET /openapi.json serves, for the client the console and the CLI share.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '#shared/http/openapi.ts';

export const apiTypesFile = fileURLToPath(new URL('../shared/client/api-types.ts', import.meta.url));

const header = `// Generated from the OpenAPI document (shared/http/openapi.ts) by \`npm run generate:api-types\`: do not edit.
// \`npm test\` and \`npm run typecheck\` regenerate it, so callers must follow every change of a route's schema.

`;

/** The file's text as the generator writes it now. */
export async function apiTypesSource(): Promise<string> {
  // As JSON text, since openapi-typescript's object type is 3.0's (a license needs a url) and
  // this document is 3.1. The server URL is no part of the types.
  const ast = await openapiTS(JSON.stringify(openApiDocument('http://127.0.0.1:3000')));
  return header + astToString(ast);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const source = await apiTypesSource();
  let current: string | undefined;
  try {
    current = readFileSync(apiTypesFile, 'utf8');
  } catch {
    current = undefined;
  }
  // Unchanged types keep the file untouched.
  if (current !== source) {
    writeFileSync(apiTypesFile, source);
    console.log(`Wrote ${relative(process.cwd(), apiTypesFile)}`);
  }
}
