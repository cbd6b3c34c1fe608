import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GithubAlertJob, GithubAlertQueue } from '../ports.ts';
import { logger } from '../observability.ts';

export interface LocalQueueSettings {
  attempts: number;
  /** The wait after the first failure, doubled after each one. */
  retryMs: number;
  deadLetterFile: string;
}

/**
 * The alert queue of the local server and tests: each job runs in this process once the webhook
 * has answered, as SQS runs the worker in AWS. A failure is retried with a doubling wait; after
 * the last attempt the job goes to a dead-letter file, one JSON line each, and is never thrown:
 * no unhandled rejection, nothing that takes the server down.
 */
export class InProcessAlertQueue implements GithubAlertQueue {
  private readonly run: (job: GithubAlertJob) => Promise<void>;
  private readonly settings: LocalQueueSettings;

  constructor(run: (job: GithubAlertJob) => Promise<void>, settings: LocalQueueSettings) {
    this.run = run;
    this.settings = settings;
  }

  async send(job: GithubAlertJob): Promise<void> {
    setImmediate(() => void this.work(job));
  }

  private async work(job: GithubAlertJob): Promise<void> {
    const { attempts, retryMs, deadLetterFile } = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run(job);
        return;
      } catch (error) {
        // Worker errors name the call that failed and its status, never a secret.
        const reason = error instanceof Error ? error.message : 'unknown error';
        logger.warn('github alert failed', { deliveryId: job.deliveryId, attempt, reason });
        if (attempt >= attempts) return this.deadLetter(deadLetterFile, { at: new Date().toISOString(), job, attempts, reason });
        await sleep(retryMs * 2 ** (attempt - 1));
      }
    }
  }

  private deadLetter(file: string, entry: object): void {
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch (error) {
      logger.error('github alert dead letter not written', { error: error as Error });
    }
  }
}
