import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { MemoryError, parseInput } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import type { AppEnv } from './context.js';

/**
 * One REST route, declared once: its zod shapes parse the request, type the handler and write the OpenAPI
 * description (openapi.ts), so the three cannot disagree.
 */
export interface RouteSpec<
  P extends z.ZodRawShape,
  Q extends z.ZodRawShape,
  B extends z.ZodRawShape,
  R extends z.ZodType,
> {
  method: 'get' | 'post' | 'delete';
  /** Hono's syntax: `/api/episodes/:id`. */
  path: string;
  /** The group of the OpenAPI description: Episodes, Retrieval, Patterns, Memory. */
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** 200 unless given; 204 answers no body. */
  status?: 200 | 201 | 204;
  response: R;
  handle(
    input: {
      params: z.output<z.ZodObject<P>>;
      query: z.output<z.ZodObject<Q>>;
      body: z.output<z.ZodObject<B>>;
    },
    memory: SelfLearningMemory,
  ): Promise<z.input<R>>;
}

/** A route with its types erased, so routes of every shape sit in one list. */
export interface Route {
  method: 'get' | 'post' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description: string | undefined;
  status: 200 | 201 | 204;
  params: z.ZodObject | undefined;
  query: z.ZodObject | undefined;
  body: z.ZodObject | undefined;
  response: z.ZodType;
  run(c: Context<AppEnv>): Promise<Response>;
}

export function defineRoute<
  P extends z.ZodRawShape,
  Q extends z.ZodRawShape,
  B extends z.ZodRawShape,
  R extends z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): Route {
  // Strict: a misspelt parameter (`limt=5`) is an error the caller sees, not a silent default.
  const params = spec.params && z.strictObject(spec.params);
  const query = spec.query && z.strictObject(spec.query);
  const body = spec.body && z.strictObject(spec.body);
  const status = spec.status ?? 200;
  const what = `${spec.method.toUpperCase()} ${spec.path}`;
  return {
    method: spec.method,
    path: spec.path,
    tag: spec.tag,
    summary: spec.summary,
    description: spec.description,
    status,
    params,
    query,
    body,
    response: spec.response,
    async run(c) {
      const input = {
        params: params ? parseInput(params, c.req.param(), `${what} path`) : {},
        query: query ? parseInput(query, queryValues(c, query), `${what} query`) : {},
        body: body ? parseInput(body, await jsonBody(c), `${what} body`) : {},
      } as Parameters<typeof spec.handle>[0];
      const result = await spec.handle(input, c.get('memory'));
      return status === 204 ? c.body(null, 204) : c.json(result as object, status);
    },
  };
}

/**
 * One page of a list read with one row more than asked (`limit + 1`), which tells whether a next page exists
 * without counting them all: the rows asked for, and the offset of the next page or null on the last.
 */
export function pageOf<T>(
  found: readonly T[],
  query: { limit: number; offset: number },
): { rows: T[]; next_offset: number | null } {
  return {
    rows: found.slice(0, query.limit),
    next_offset: found.length > query.limit ? query.offset + query.limit : null,
  };
}

export function registerRoutes(app: Hono<AppEnv>, routes: readonly Route[]): void {
  for (const route of routes) app.on(route.method.toUpperCase(), route.path, (c) => route.run(c));
}

/**
 * The query string as the schema expects it: a list from repeated keys (`tags=a&tags=b`), numbers and booleans
 * from their text. Text that is not a number stays text, so zod names the parameter in its error.
 */
function queryValues(c: Context<AppEnv>, schema: z.ZodObject): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, texts] of Object.entries(c.req.queries())) {
    const field = schema.shape[key] as z.ZodType | undefined;
    const kind = field ? baseType(field) : 'string';
    if (kind === 'array') values[key] = texts;
    else {
      const text = texts.at(-1) ?? '';
      if (kind === 'number' && /^-?\d+(\.\d+)?$/.test(text)) values[key] = Number(text);
      else if (kind === 'boolean' && (text === 'true' || text === 'false')) values[key] = text === 'true';
      else values[key] = text;
    }
  }
  return values;
}

/** The type under `.optional()`, `.default()` and `.nullable()`: what the query text must become. */
function baseType(schema: z.ZodType): string {
  let current = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType } };
  while (current.def.innerType) current = current.def.innerType as typeof current;
  return current.def.type;
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new MemoryError(
      'INVALID_INPUT',
      'the request body is not JSON; send an object, e.g. {"task": "…"}',
    );
  }
}
