import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are hashed with scrypt (memory-hard, salted); random high-entropy tokens with
 * sha256, which is enough for 256-bit secrets and cheap enough to run on every request.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scryptAsync(password, salt, N, r, p, keylen);
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, N, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(
    password,
    Buffer.from(salt, 'base64'),
    Number(N),
    Number(r),
    Number(p),
    expected.length,
  );
  return timingSafeEqual(key, expected);
}

/** A hash nobody's password matches, verified against for unknown users so timing says nothing. */
export const DUMMY_PASSWORD_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** A new random secret: `<prefix>_<43 base64url chars>` (256 bits). The prefix tells what it is. */
export const newSecret = (prefix: 'tha' | 'thi' | 'ths' | 'thl'): string =>
  `${prefix}_${randomBytes(32).toString('base64url')}`;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The public handle of a token: enough to name it in a list or revoke it, useless to log in. */
export const tokenIdOf = (hash: string): string => hash.slice(0, 12);

export const MIN_PASSWORD_LENGTH = 10;
