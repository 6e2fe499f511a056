import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { serverSecrets } from '../db/schema/index.js';

const SECRET_BYTES = 32;

/**
 * The server secret called `name`: made at random by the first process to ask (a second one
 * racing it keeps the first's, through the primary key) and read by every other. Call it on the
 * database itself, never inside a request's transaction: a rollback would take the secret with it
 * after this process had started using it.
 */
export async function ensureServerSecret(db: Executor, name: string): Promise<Buffer> {
  await db
    .insert(serverSecrets)
    .values({ name, value: randomBytes(SECRET_BYTES).toString('base64') })
    .onConflictDoNothing({ target: serverSecrets.name });
  const [row] = await db
    .select({ value: serverSecrets.value })
    .from(serverSecrets)
    .where(eq(serverSecrets.name, name));
  if (!row) throw new Error(`server secret ${name} vanished after it was created`);
  return Buffer.from(row.value, 'base64');
}
