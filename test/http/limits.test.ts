import { describe, expect, it } from 'vitest';
import { useHttpApp } from './app-fixture.js';

/**
 * Every text limit the OpenAPI description states is the one the server applies: for each route, each string
 * (or list of strings) with a maxLength in its path, query or body, a value of exactly maxLength is accepted and
 * one character more refused. The description is written from the schemas that parse the request, so this
 * fails when a later check (the facade's own schema) is stricter than what a route promises.
 */
const app = useHttpApp();

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maxLength?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

/** A field with a text limit, where it sits, and whether it is a list of such texts. */
interface Limited {
  in: 'path' | 'query' | 'body';
  name: string;
  max: number;
  list: boolean;
}

function limitOf(schema: JsonSchema): { max: number; list: boolean } | undefined {
  if (schema.type === 'string' && schema.maxLength !== undefined)
    return { max: schema.maxLength, list: false };
  if (schema.type === 'array' && schema.items?.type === 'string' && schema.items.maxLength !== undefined)
    return { max: schema.items.maxLength, list: true };
  return undefined;
}

function limitedFields(op: Operation): Limited[] {
  const fields: Limited[] = [];
  for (const p of op.parameters ?? []) {
    const limit = limitOf(p.schema);
    if (limit) fields.push({ in: p.in, name: p.name, ...limit });
  }
  const body = op.requestBody?.content['application/json'].schema;
  for (const [name, schema] of Object.entries(body?.properties ?? {})) {
    const limit = limitOf(schema);
    if (limit) fields.push({ in: 'body', name, ...limit });
  }
  return fields;
}

/** A text of `length` characters the field takes: dates must read as dates, everything else is letters. */
function text(name: string, length: number): string {
  if (name === 'since' || name === 'until') return `2026-01-01T00:00:00.${'0'.repeat(length - 21)}Z`;
  return 'a'.repeat(length);
}

/** The smallest valid value of a required field. */
function sample(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'string') return 'a';
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  if (schema.type === 'array') return [sample(schema.items ?? {})];
  return {};
}

function requiredBody(op: Operation): Record<string, unknown> {
  const body = op.requestBody?.content['application/json'].schema;
  const required = body?.required ?? [];
  return Object.fromEntries(required.map((name) => [name, sample(body?.properties?.[name] ?? {})]));
}

async function send(
  method: string,
  path: string,
  op: Operation,
  field: Limited,
  length: number,
): Promise<{ status: number; code?: string }> {
  const value = field.list ? [text(field.name, length)] : text(field.name, length);
  // Each request gets an episode of its own in progress: completing one changes what the next may do.
  const { id } = await app.memory.startEpisode({ task: 'a task in progress' });
  let url = path.replace('{id}', field.in === 'path' ? String(value) : id);
  const query = new URLSearchParams();
  if (field.in === 'query') for (const v of [value].flat()) query.append(field.name, v);
  if (query.size > 0) url += `?${query}`;
  const body = { ...requiredBody(op), ...(field.in === 'body' ? { [field.name]: value } : {}) };
  const res = await app.http.app.request(url, {
    method: method.toUpperCase(),
    ...(op.requestBody
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  const json = (await res.json().catch(() => null)) as { error?: { code: string } } | null;
  return { status: res.status, ...(json?.error ? { code: json.error.code } : {}) };
}

const REFUSED = ['INVALID_INPUT', 'LIMIT_EXCEEDED'];

describe('the text limits of the OpenAPI description', () => {
  it('accept exactly maxLength and refuse one more, on every route', async () => {
    const doc = (await (await app.http.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const field of limitedFields(op)) {
          const where = `${method.toUpperCase()} ${path} ${field.in} ${field.name} (maxLength ${field.max})`;
          const atLimit = await send(method, path, op, field, field.max);
          expect(REFUSED, `${where}: ${field.max} characters were refused`).not.toContain(atLimit.code);
          const past = await send(method, path, op, field, field.max + 1);
          expect(past.code, `${where}: ${field.max + 1} characters were accepted`).toBe('INVALID_INPUT');
          checked.push(`${method} ${path} ${field.name}`);
        }
      }
    }
    // The fields that drifted once are among those checked.
    expect(checked).toEqual(
      expect.arrayContaining([
        'post /api/episodes task',
        'post /api/episodes language',
        'post /api/episodes framework',
        'post /api/episodes tags',
        'post /api/episodes/{id}/steps tool',
        'post /api/retrieve language',
        'get /api/episodes tag',
      ]),
    );
  });
});
