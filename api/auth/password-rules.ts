// What makes a password acceptable: pure, so that configuration (ADMIN_PASSWORD) is checked with
// the same rules before anything starts.
export const MIN_PASSWORD_LENGTH = 8;

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少${MIN_PASSWORD_LENGTH}位 / at least ${MIN_PASSWORD_LENGTH} characters`;
  // bcrypt reads 72 bytes at most: a longer password would be cut without a word.
  if (Buffer.byteLength(password) > 72) return '密码不能超过72字节 / at most 72 bytes';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名 / must not contain the username';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字 / needs letters and digits';
  return null;
}
