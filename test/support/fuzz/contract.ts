// The served OpenAPI document as the fuzz test reads it: its operations with their parameters and
// bodies, and a check of each answer against what the operation documents (status, media type,
// and for JSON the schema, with Ajv).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export type Json = Record<string, unknown>;
export type Schema = Json;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** /api/measures/{id}/acknowledge */
  path: string;
  parameters: Parameter[];
  /** Media type → schema of the request body, when there is one. */
  body: Record<string, Schema> | undefined;
  /** Status → media type → schema. */
  responses: Record<string, Record<string, Schema>>;
  /** Who may call it (x-roles); undefined: every signed-in person, or anyone when public. */
  roles: string[] | undefined;
  public: boolean;
}

interface Doc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Schema> };
}

export function operationsOf(doc: Doc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const responses = op.responses as Record<string, { content?: Record<string, { schema: Schema }> }>;
      const requestBody = op.requestBody as { content: Record<string, { schema: Schema }> } | undefined;
      return {
        id: op.operationId as string,
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters: ((op.parameters ?? []) as Parameter[]).map((p) => ({ name: p.name, in: p.in, required: Boolean(p.required), schema: p.schema ?? {} })),
        body: requestBody ? Object.fromEntries(Object.entries(requestBody.content).map(([type, c]) => [type, c.schema])) : undefined,
        responses: Object.fromEntries(
          Object.entries(responses).map(([status, r]) => [status, Object.fromEntries(Object.entries(r.content ?? {}).map(([type, c]) => [type, c.schema]))]),
        ),
        roles: op['x-roles'] as string[] | undefined,
        public: Array.isArray(op.security) && op.security.length === 0,
      };
    }),
  );
}

/** Follows a local $ref to the schema it names. */
export function resolve(doc: Doc, schema: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === 'string') s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
  return s;
}

/** What was wrong with an answer, or undefined when it is what the document says. */
export type Verdict = { problem: 'undocumented status' | 'undocumented media type' | 'not the documented body'; detail: string } | undefined;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export class Contract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    // OpenAPI 3.0 schemas: Ajv reads `nullable` as OpenAPI means it; `example` and the like are ignored.
    this.ajv = new Ajv({ strict: false, allErrors: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(doc as unknown as Json, 'doc');
  }

  check(op: Operation, status: number, contentType: string | undefined, body: Buffer): Verdict {
    const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!documented) return { problem: 'undocumented status', detail: `documented: ${Object.keys(op.responses).join(', ')}` };
    const media = contentType?.split(';')[0]!.trim().toLowerCase();
    if (!media || !(media in documented)) return { problem: 'undocumented media type', detail: `${media ?? 'none'}; documented: ${Object.keys(documented).join(', ') || 'no body'}` };
    if (media === 'application/json') {
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        return { problem: 'not the documented body', detail: `not JSON: ${body.toString('utf8').slice(0, 200)}` };
      }
      const validate = this.validator(op, String(status) in op.responses ? String(status) : `${String(status)[0]}XX`, media);
      if (!validate(value)) return { problem: 'not the documented body', detail: `${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(value).slice(0, 300)}` };
      return undefined;
    }
    if (media.includes('spreadsheetml') && body.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') return { problem: 'not the documented body', detail: 'not an .xlsx (zip) file' };
    return undefined;
  }

  private validator(op: Operation, status: string, media: string): ValidateFunction {
    const key = `${op.method} ${op.path} ${status} ${media}`;
    let v = this.validators.get(key);
    if (!v) {
      const pointer = ['paths', op.path, op.method.toLowerCase(), 'responses', status, 'content', media, 'schema'].map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
      v = this.ajv.compile({ $ref: `doc#/${pointer}` });
      this.validators.set(key, v);
    }
    return v;
  }
}
