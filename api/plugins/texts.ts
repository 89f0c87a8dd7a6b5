// The door for text: before any route sees a request, every path parameter and query string value
// (single-line) and every string and key of a JSON body (multi-line at most) is checked for the
// characters the API refuses (see textProblem in schemas/common.ts). One hook, so no route can miss
// it — even a field a schema declares loosely; the schemas then refine what each field allows.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { invalid } from '../errors.js';
import { fieldLabel, textProblem, type TextKind } from '../schemas/common.js';

type Path = Array<string | number>;

/** The first string (or key) in `value` that `kind` refuses, walked without recursion (a body may nest deep). */
export function findBadText(value: unknown, kind: TextKind): { path: Path; problem: string } | undefined {
  const stack: Array<{ value: unknown; path: Path }> = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, kind);
      if (problem) return { path, problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      const entries = Object.entries(v);
      for (const [key] of entries) {
        // A key is a name: single-line, and it may become a jsonb key.
        const problem = textProblem(key, 'line');
        if (problem) return { path: [...path, key], problem: `字段名${problem}` };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path: [...path, entries[i]![0]] });
    }
  }
  return undefined;
}

/** A key as it can be shown in a message: refused characters written as \uXXXX. */
function printable(key: string): string {
  return key.replace(/[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export default fp(
  async function texts(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      const found = findBadText(request.params, 'line') ?? findBadText(request.query, 'line') ?? findBadText(request.body, 'multiline');
      if (!found) return;
      const path = found.path.map((p) => (typeof p === 'string' ? printable(p) : p));
      throw invalid(`${fieldLabel(path)}：${found.problem}`, path.join('.') || undefined);
    });
  },
  { name: 'texts', dependencies: ['error-handler'] },
);
