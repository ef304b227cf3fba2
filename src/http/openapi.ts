import { z } from 'zod';
import { VERSION } from '../core/index.js';
import { ErrorBodySchema } from './errors.js';
import type { Route } from './route.js';
import { HealthView } from './routes/overview.js';

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 description of the REST API, written from the routes' own zod shapes (the ones that parse
 * each request), so the description cannot drift from what the server accepts.
 *
 * @example
 * const doc = openApiDocument(routes); // served at GET /openapi.json
 */
export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method] = operation(route);
  }
  paths['/health'] = {
    get: {
      tags: ['Memory'],
      summary: 'Whether the server is up (no token needed)',
      security: [],
      responses: { 200: { description: 'up', content: json(schemaOf(HealthView)) } },
    },
  };
  paths['/metrics'] = {
    get: {
      tags: ['Memory'],
      summary:
        'Prometheus metrics: requests and latencies by route, episodes and patterns by namespace, caches',
      responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': {} } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'self-learning-memory',
      version: VERSION,
      description:
        'The memory of AI agents: episodes, what they taught (patterns, heuristics) and advice for a new task. ' +
        'MCP over Streamable HTTP is served at /mcp on the same port. Errors are `{ "error": { "code", "message" } }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'needed when the server has a token (always when it listens beyond loopback)',
        },
      },
      schemas: { Error: schemaOf(ErrorBodySchema) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

function operation(route: Route): JsonSchema {
  const parameters = [
    ...fields(route.params).map(([name, schema]) => ({
      name,
      in: 'path',
      required: true,
      ...parameter(schema),
    })),
    ...fields(route.query).map(([name, schema]) => ({
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      ...parameter(schema),
    })),
  ];
  const error = { description: 'see error.code', content: json({ $ref: '#/components/schemas/Error' }) };
  return {
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: `${route.method}${route.path.replace(/\/:?(\w)(\w*)/g, (_, a: string, b: string) => a.toUpperCase() + b)}`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: json(schemaOf(route.body)) } } : {}),
    responses: {
      [route.status]:
        route.status === 204
          ? { description: 'done' }
          : { description: 'the result', content: json(schemaOf(route.response)) },
      400: error,
      401: error,
      ...(route.params ? { 404: error } : {}),
      default: error,
    },
  };
}

function fields(shape: z.ZodObject | undefined): Array<[string, z.ZodType]> {
  return shape ? (Object.entries(shape.shape) as Array<[string, z.ZodType]>) : [];
}

/** A query or path parameter: its schema, its description beside it, lists as repeated keys. */
function parameter(schema: z.ZodType): JsonSchema {
  const { description, ...rest } = schemaOf(schema);
  const list = rest.type === 'array';
  return {
    ...(description ? { description } : {}),
    schema: rest,
    ...(list ? { style: 'form', explode: true } : {}),
  };
}

/** JSON Schema 2020-12, which OpenAPI 3.1 uses as it is; the shapes as a client sends them. */
function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function json(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}
