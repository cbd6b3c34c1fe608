import { getAdapters } from '#shared/runtime.ts';

/** The DynamoDB commands `work` sends through this process's client, by name, in order. */
export async function commandsSentBy(work: () => Promise<unknown>): Promise<string[]> {
  const { dynamoDb } = getAdapters();
  const sent: string[] = [];
  const name = `count-${Math.random()}`;
  dynamoDb.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await work();
  } finally {
    dynamoDb.middlewareStack.remove(name);
  }
  return sent;
}

/** How many of them write. */
export const writesOf = async (work: () => Promise<unknown>): Promise<number> =>
  (await commandsSentBy(work)).filter((command) => /^(Put|Update|Delete|TransactWrite)/.test(command)).length;

/** Adds a middleware to the real DynamoDB client for the length of `work`. */
export async function withMiddleware<T>(
  middleware: (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: any) => Promise<any>,
  step: 'initialize' | 'finalizeRequest',
  work: () => Promise<T>,
): Promise<T> {
  const { dynamoDb } = getAdapters();
  const name = `middleware-${Math.random()}`;
  // finalizeRequest, low priority: inside the SDK's retry loop, once per attempt.
  dynamoDb.middlewareStack.add(middleware as never, { step, name, ...(step === 'finalizeRequest' ? { priority: 'low' } : {}) } as never);
  try {
    return await work();
  } finally {
    dynamoDb.middlewareStack.remove(name);
  }
}
