import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import type { UsageLog } from '#shared/ports.ts';
import { parseUseLine } from '#shared/adapters/use-lines.ts';
import { getConfig } from '#shared/config.ts';
import { getAdapters } from '#shared/runtime.ts';

/** At most this much of the file is counted in one batch. */
const BATCH_BYTES = 1024 * 1024;

/**
 * What the log subscription and `functions/count-uses.ts` do in AWS, for the local server and
 * tests: counts the uses recorded in a file (one line each, `KEYWARD_USES_FILE`) in batches.
 * How far it has counted is kept beside the file, written after each batch; a batch's id is
 * its place and content, so one counted again after a crash changes nothing.
 */
export class UseFileCounter {
  private readonly file: string;
  private readonly usage: UsageLog;
  private readonly offsetFile: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(file: string, usage: UsageLog) {
    this.file = file;
    this.usage = usage;
    this.offsetFile = `${file}.offset`;
  }

  /** Counts every whole line written so far; calls run one after another. */
  drain(): Promise<void> {
    const run = this.queue.then(() => this.countNewLines());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async countNewLines(): Promise<void> {
    if (!existsSync(this.file)) return;
    const fd = openSync(this.file, 'r');
    try {
      let offset = this.readOffset();
      const size = fstatSync(fd).size;
      // A file shorter than what was counted was started again: count it from the start.
      if (offset > size) offset = 0;
      while (offset < size) {
        const chunk = Buffer.alloc(Math.min(BATCH_BYTES, size - offset));
        const read = readSync(fd, chunk, 0, chunk.length, offset);
        const whole = chunk.subarray(0, read).lastIndexOf(0x0a) + 1;
        // The last line is still being written: it is counted next time.
        if (whole === 0) return;
        const text = chunk.subarray(0, whole).toString('utf8');
        const uses = text
          .split('\n')
          .map(parseUseLine)
          .filter((use) => use !== undefined);
        const batchId = createHash('sha256').update(`${offset}\n${text}`).digest('base64url');
        await this.usage.add(batchId, uses);
        offset += whole;
        writeFileSync(this.offsetFile, String(offset));
      }
    } finally {
      closeSync(fd);
    }
  }

  private readOffset(): number {
    if (!existsSync(this.offsetFile)) return 0;
    const offset = Number(readFileSync(this.offsetFile, 'utf8'));
    return Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
  }
}

const counters = new Map<string, UseFileCounter>();

/** This process's counter of the file its configuration records uses in (none when uses go to standard output). */
export function localUseCounter(): UseFileCounter | undefined {
  const { usesFile } = getConfig();
  if (!usesFile) return undefined;
  const counter = counters.get(usesFile) ?? new UseFileCounter(usesFile, getAdapters().store.usage);
  counters.set(usesFile, counter);
  return counter;
}
