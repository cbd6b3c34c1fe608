import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IdentityProvider, Role } from '#shared/domain/identity.ts';
import { DATA_DIR } from './local-state.ts';

/** The local OpenID Provider's own state: its people, its signing and cookie keys. */
export const IDP_DIR = join(DATA_DIR, 'identity-provider');
const peopleFile = (dir: string) => join(dir, 'people.json');

export const LOCAL_PROVIDER_ID = 'local';
export const CONSOLE_CLIENT_ID = 'keyward-console';
export const CLI_CLIENT_ID = 'keyward-cli';
/** A person's groups are `<tenant>-<role>s`, such as `default-admins`: the provider maps every group of that shape. */
const GROUP_PATTERN = '{tenant}-{role}s';
export const groupOf = (tenant: string, role: Role) => `${tenant}-${role}s`;

/** How Keyward trusts the local provider, as it would any other. */
export function localProviderEntry(issuer: string): IdentityProvider {
  return {
    id: LOCAL_PROVIDER_ID,
    name: 'Local sign-in',
    issuer,
    audiences: [CONSOLE_CLIENT_ID, CLI_CLIENT_ID],
    audienceClaim: 'aud',
    consoleClientId: CONSOLE_CLIENT_ID,
    cliClientId: CLI_CLIENT_ID,
    groupsClaim: 'groups',
    groups: {},
    groupPattern: GROUP_PATTERN,
  };
}

export interface LocalPerson {
  /** The provider's `sub`; Keyward knows the person as `local:<sub>`. */
  sub: string;
  email: string;
  name: string;
  groups: string[];
  /** scrypt, as `<salt>:<hash>` in base64url: the password itself is never stored. */
  passwordHash: string;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;
const HASH_BYTES = 32;

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `${salt.toString('base64url')}:${(await scryptAsync(password, salt, HASH_BYTES)).toString('base64url')}`;
}

/** Whether `password` is the person's, compared in constant time. */
export async function passwordMatches(person: LocalPerson, password: string): Promise<boolean> {
  const [salt = '', hash = ''] = person.passwordHash.split(':');
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), HASH_BYTES);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function readPeople(dir = IDP_DIR): LocalPerson[] {
  try {
    return JSON.parse(readFileSync(peopleFile(dir), 'utf8')) as LocalPerson[];
  } catch {
    return [];
  }
}

export const hasLocalProvider = (dir = IDP_DIR) => existsSync(dir);

export function findPersonByEmail(email: string, dir = IDP_DIR): LocalPerson | undefined {
  const wanted = email.trim().toLowerCase();
  return readPeople(dir).find((person) => person.email === wanted);
}

export interface AddedPerson {
  email: string;
  password: string;
  personId: string;
}

/**
 * Adds a person with a new random password, or gives one already there the group of this
 * tenant and role (and a new password). Written whole and renamed into place, so the
 * running provider never reads half a file.
 */
export async function addPerson(input: { email: string; tenant: string; role: Role; name?: string }, dir = IDP_DIR): Promise<AddedPerson> {
  const email = input.email.trim().toLowerCase();
  const password = randomBytes(12).toString('base64url');
  const people = readPeople(dir);
  const existing = people.find((person) => person.email === email);
  const person: LocalPerson = existing ?? {
    sub: randomUUID(),
    email,
    name: input.name ?? email.split('@')[0]!,
    groups: [],
    passwordHash: '',
  };
  person.groups = [...new Set([...person.groups, groupOf(input.tenant, input.role)])];
  person.passwordHash = await hashPassword(password);
  if (!existing) people.push(person);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${peopleFile(dir)}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(people, null, 2), { mode: 0o600 });
  renameSync(temporary, peopleFile(dir));
  return { email, password, personId: `${LOCAL_PROVIDER_ID}:${person.sub}` };
}
