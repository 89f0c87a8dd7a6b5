// Passwords are kept as bcrypt hashes (bcryptjs: pure JavaScript, nothing to compile); session
// tokens are random and kept only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { passwordProblem } from './password-rules.js';

export { passwordProblem } from './password-rules.js';

const ROUNDS = 10;

export function hashPassword(password: string, rounds = ROUNDS): Promise<string> {
  return bcrypt.hash(password, rounds);
}

// Compared against when the username is unknown, so a miss takes as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('three-lists: no such person', ROUNDS);

export function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  return bcrypt.compare(password, hash ?? DUMMY_HASH).then((ok) => ok && Boolean(hash));
}

/** A bearer token for the client, and the hash the server keeps. */
export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A password people can type: 16 characters from an alphabet without look-alikes. */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  for (;;) {
    // 256 is not a multiple of the alphabet's 56 letters: bytes past the last whole multiple are
    // dropped, so every letter is equally likely.
    const usable = [...randomBytes(length * 2)].filter((b) => b < 224);
    if (usable.length < length) continue;
    const password = usable.slice(0, length).map((b) => alphabet[b % alphabet.length]).join('');
    // It must pass the same rules as a chosen one (letters and digits both).
    if (passwordProblem(password) === null) return password;
  }
}
