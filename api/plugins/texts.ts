// The door for text: before any route sees a request, every path parameter and query string value
// (single-line) and every string and key of a JSON body (multi-line at most) is checked for the
// characters the API refuses (see textProblem in schemas/common.ts), and a body nested absurdly deep
// is refused. One hook, so no route can miss it — even a field a schema declares loosely; the schemas
// then refine what each field allows.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { invalid } from '../errors.js';
import { fieldLabel, printable, textProblem, type TextKind } from '../schemas/common.js';

type Path = Array<string | number>;
/** A path kept as a link to its parent, so a deep body costs no more than its size to walk. */
type Where = { key: string | number; up: Where } | null;

function pathOf(where: Where): Path {
  const path: Path = [];
  for (let w = where; w; w = w.up) path.push(w.key);
  return path.reverse();
}

/** No request of this API nests deeper than a few levels; a body nested deeper is refused unread. */
const MAX_DEPTH = 32;

/**
 * The first string (or key) in `value` that `kind` refuses, or the point where it nests too deep.
 * Walked without recursion and with paths linked to their parents, so even a body nested a million
 * levels deep costs no more than its size.
 */
export function findBadText(value: unknown, kind: TextKind): { path: Path; problem: string } | undefined {
  const stack: Array<{ value: unknown; where: Where; depth: number }> = [{ value, where: null, depth: 0 }];
  while (stack.length) {
    const { value: v, where, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, kind);
      if (problem) return { path: pathOf(where), problem };
      continue;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    if (depth >= MAX_DEPTH) return { path: pathOf(where), problem: `嵌套超过${MAX_DEPTH}层 / nested more than ${MAX_DEPTH} levels deep` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], where: { key: i, up: where }, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(v);
    for (const [key] of entries) {
      // A key is a name: single-line, and it may become a jsonb key.
      const problem = textProblem(key, 'line');
      if (problem) return { path: pathOf({ key, up: where }), problem: `字段名${problem}` };
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], where: { key: entries[i]![0], up: where }, depth: depth + 1 });
  }
  return undefined;
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
