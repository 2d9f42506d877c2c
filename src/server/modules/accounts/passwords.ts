import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id recommendation: 19 MiB memory, 2 iterations, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, options);

let dummyHash: Promise<string> | undefined;

/**
 * The hash an unknown username's password is checked against, made with the same options as real
 * ones (so it costs the same) from a random password (so nothing matches it). Made ahead of the
 * first sign-in (accountRoutes), which would otherwise pay for the hash too.
 */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/** Verifies; for unknown users pass `null` to spend the same time and reveal nothing. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  const target = storedHash ?? (await prepareDummyHash());
  const ok = await verify(target, password).catch(() => false);
  return ok && storedHash !== null;
}
