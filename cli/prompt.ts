import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Asks on the terminal; with `hidden`, nothing typed is echoed. Ctrl-C exits with 130. */
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
    process.stderr.write(question);
    muted = Boolean(options.hidden);
    rl.question('', (answer) => {
      rl.close();
      if (options.hidden) process.stderr.write('\n');
      resolve(answer.trim());
    });
  });
}
