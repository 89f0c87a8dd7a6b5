// What a text may hold: the one policy every request is checked with (schemas and the door hook).
import { describe, expect, it } from 'vitest';
import { findBadText } from '../../api/plugins/texts.js';
import { line, longText, multiline, text, textProblem } from '../../api/schemas/common.js';

describe('textProblem', () => {
  it('refuses U+0000, every other C0 and C1 control, DEL and unpaired surrogates, naming the character', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f', '\ud800', '\udfff']) {
      const name = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      expect(textProblem(`进展${c}情况`, 'multiline')).toContain(name);
      expect(textProblem(`进展${c}情况`, 'line')).toContain(name);
    }
    expect(textProblem('a\u0000b', 'line')).toBe('含有不允许的控制字符（U+0000，第2个字符）/ contains the control character U+0000');
  });

  it('keeps tab, line feed and carriage return in multi-line texts only', () => {
    expect(textProblem('第一段\r\n第二段\t完', 'multiline')).toBeUndefined();
    expect(textProblem('名称\n', 'line')).toContain('U+000A');
    expect(textProblem('名\t称', 'line')).toContain('不能含换行或制表符');
  });

  it('accepts what people write: Chinese, emoji (a surrogate pair), U+FFFD, zero-width and bidi marks', () => {
    for (const s of ['三张清单', '完成😀', '\ufffd', 'a\u200bb', '\u202eabc', 'ÿ€']) expect([s, textProblem(s, 'line')]).toEqual([s, undefined]);
  });
});

describe('the text schemas', () => {
  it('make single-line fields refuse line breaks and every field refuse control characters', () => {
    expect(text(10).safeParse('  部门  ').data).toBe('部门');
    expect(text(10).safeParse('部\n门').error?.issues[0]!.message).toContain('U+000A');
    expect(line(10).safeParse('').success).toBe(true);
    expect(longText(100).safeParse('第一段\n第二段').success).toBe(true);
    expect(longText(100).safeParse('a\u0000').error?.issues[0]!.message).toContain('U+0000');
    expect(multiline(100).safeParse('\u0007').error?.issues[0]!.message).toContain('U+0007');
  });
});

describe('findBadText', () => {
  it('finds the first bad string or key anywhere in a body, with its path', () => {
    expect(findBadText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'multiline')).toMatchObject({ path: ['a', 1, 'c'] });
    expect(findBadText({ ok: { 'k\u0000': 1 } }, 'multiline')).toMatchObject({ path: ['ok', 'k\u0000'] });
    expect(findBadText({ a: 'line\nbreak', n: 1, t: true, z: null }, 'multiline')).toBeUndefined();
    expect(findBadText({ q: 'a\tb' }, 'line')).toMatchObject({ path: ['q'] });
  });

  it('stops at a body nested more than 32 levels deep, however deep it goes', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(findBadText(deep, 'multiline')).toEqual({ path: new Array(32).fill(0), problem: '嵌套超过32层 / nested more than 32 levels deep' });
    let fine: unknown = 'bottom';
    for (let i = 0; i < 32; i++) fine = { a: fine };
    expect(findBadText(fine, 'multiline')).toBeUndefined();
  });
});
