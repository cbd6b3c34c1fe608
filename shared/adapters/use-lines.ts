import { openSync, writeSync } from 'node:fs';
import type { Use, UseRecorder } from '../ports.ts';
import { useOutcomes, type UseOutcome } from '../domain/usage-analytics.ts';

/** What marks a line as a recorded use; the stack's log subscriptions match on it. */
export const USE_LINE_KIND = 'keyward.use';

/** A use as one JSON line: ids, outcome and time only, never a secret. */
export const formatUseLine = (use: Use) =>
  `${JSON.stringify({ kind: USE_LINE_KIND, tenant: use.tenant, keyId: use.keyId, outcome: use.outcome, at: use.at.toISOString() })}\n`;

const isOutcome = (value: unknown): value is UseOutcome => useOutcomes.includes(value as UseOutcome);

/** The use a line records; undefined for any other line (a log message, a torn write). */
export function parseUseLine(line: string): Use | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line.slice(start));
  } catch {
    return undefined;
  }
  const { kind, tenant, keyId, outcome, at } = fields ?? {};
  if (kind !== USE_LINE_KIND || typeof tenant !== 'string' || typeof keyId !== 'string' || !isOutcome(outcome) || typeof at !== 'string')
    return undefined;
  const time = new Date(at);
  return Number.isNaN(time.getTime()) ? undefined : { tenant, keyId, outcome, at: time };
}

/**
 * In Lambda: each use is a line on standard output, which Lambda writes to the function's log
 * group, and the log group's subscription hands to the usage counter in batches. Writing to
 * a pipe is synchronous on Linux, so the line is out before the function can be frozen.
 */
export const stdoutUseRecorder: UseRecorder = {
  record: (use) => void process.stdout.write(formatUseLine(use)),
};

/**
 * Locally and in tests: each use is appended to a file that a local counter reads
 * (local/use-counter.ts). The file stays open, so a use costs one write.
 */
export function fileUseRecorder(file: string): UseRecorder {
  let fd: number | undefined;
  return {
    record: (use) => {
      fd ??= openSync(file, 'a');
      writeSync(fd, formatUseLine(use));
    },
  };
}
