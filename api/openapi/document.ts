// Finishing the whole OpenAPI 3.0 document once every route is in it: zod's converter leaves
// `nullable` where OpenAPI 3.0 gives it no meaning (beside no type, or beside a $ref, where it is
// ignored), and registers an "…Input" twin of every named schema whether a request uses it or not.
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only null: what a nullable reference adds to it (OpenAPI 3.0 has no null type). */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null], description: '无 / none' };

/**
 * OpenAPI 3.0.3: `nullable` widens only the `type` beside it. So a nullable enum lists null, an
 * untyped schema (any value) needs no `nullable`, and a nullable reference becomes "the
 * reference, or null".
 */
export function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'example' || k === 'default' ? v : fixNullable(v);
  if (out.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.type !== undefined) return out;
  const { nullable: _nullable, description, allOf, ...rest } = out;
  const refs = Array.isArray(allOf) && allOf.length === 1 && Object.keys(rest).length === 0 ? (allOf[0] as Json) : undefined;
  if (refs?.$ref || rest.$ref) return { ...(description ? { description } : {}), anyOf: [refs ?? rest, NULL_ONLY] };
  return { ...(description ? { description } : {}), ...(allOf ? { allOf } : {}), ...rest };
}

/** Schemas under components that nothing refers to (the converter's unused "…Input" twins). */
export function dropUnusedSchemas(doc: Json): Json {
  const components = (doc.components ?? {}) as Json;
  const schemas = (components.schemas ?? {}) as Record<string, unknown>;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = decodeURIComponent(ref.slice('#/components/schemas/'.length));
      if (!used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit({ ...doc, components: { ...components, schemas: {} } });
  return { ...doc, components: { ...components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) } };
}

export function finishDocument(doc: Json): Json {
  return dropUnusedSchemas(fixNullable(doc) as Json);
}
