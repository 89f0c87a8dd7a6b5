import { describe, expect, it } from 'vitest';
import { generatePassword, hashToken, newToken, passwordProblem, verifyPassword, hashPassword } from '../../api/auth/passwords.js';

describe('passwords and tokens', () => {
  it('generates passwords that pass the password rules, every time', () => {
    for (let i = 0; i < 2000; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(passwordProblem(p)).toBeNull();
    }
  });

  it('refuses short, letter-only, username-bearing and over-long passwords', () => {
    expect(passwordProblem('Ab1')).toMatch(/至少8位/);
    expect(passwordProblem('abcdefghij')).toMatch(/字母和数字/);
    expect(passwordProblem('zhangsan123', 'zhangsan')).toMatch(/用户名/);
    expect(passwordProblem('密'.repeat(25) + '1a')).toMatch(/72字节/); // 77 bytes in UTF-8
    expect(passwordProblem('Correct-horse-7')).toBeNull();
  });

  it('verifies bcrypt hashes, and refuses a missing hash after the same work', async () => {
    const hash = await hashPassword('Correct-horse-7', 4);
    expect(await verifyPassword('Correct-horse-7', hash)).toBe(true);
    expect(await verifyPassword('Wrong-horse-7', hash)).toBe(false);
    expect(await verifyPassword('three-lists: no such person', null)).toBe(false);
  });

  it('keeps only the SHA-256 of a token', () => {
    const { token, tokenHash } = newToken();
    expect(tokenHash).toBe(hashToken(token));
    expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash).not.toContain(token);
  });
});
