import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks on the terminal; with `hidden`, nothing typed is echoed. Ctrl-C exits with 130.
 * The question is readline's own prompt, so its line refreshes redraw it instead of wiping it.
 */
export function ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, encoding, done) {
        if (!muted) process.stderr.write(chunk, encoding);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      process.exit(130);
    });
    rl.question(question, (answer) => {
      rl.close();
      if (options.hidden) process.stderr.write('\n');
      resolve(answer.trim());
    });
    // The prompt is written by now; from here on, a hidden answer echoes nothing (and redraws nothing).
    muted = Boolean(options.hidden);
  });
}
