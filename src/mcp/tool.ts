import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolResult,
  type JSONRPCRequest,
  ErrorCode as RpcErrorCode,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneLine } from '../core/index.js';
import { ProtocolError, sdkToolResult, toolError } from './errors.js';

/** A tool as written in `tools/*.ts`: typed arguments in, a typed result and its readable text out. */
export interface ToolSpec<In extends z.ZodRawShape, Out extends z.ZodRawShape> {
  name: string;
  title: string;
  /** Written for the agent: when to call it and what it returns. */
  description: string;
  input: In;
  output: Out;
  annotations?: ToolAnnotations;
  run(args: z.output<z.ZodObject<In>>): Promise<{ result: z.input<z.ZodObject<Out>>; text: string }>;
}

/** A tool with its types erased, so tools of every shape sit in one list. */
export interface Tool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  /** Runs on arguments `input` has parsed; a domain error becomes an `isError` result. */
  call(args: unknown): Promise<CallToolResult>;
}

export function defineTool<In extends z.ZodRawShape, Out extends z.ZodRawShape>(
  spec: ToolSpec<In, Out>,
): Tool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    // Strict: a misspelt optional argument (`latencyMs`) is an error the agent sees, not a silent no-op.
    input: z.strictObject(spec.input),
    output: z.object(spec.output),
    annotations: { title: spec.title, ...spec.annotations },
    async call(args) {
      try {
        const { result, text } = await spec.run(args as z.output<z.ZodObject<In>>);
        return { structuredContent: result, content: [{ type: 'text', text }] };
      } catch (error) {
        return toolError(error);
      }
    },
  };
}

/**
 * Registers the tools with the SDK, which parses their arguments (invalid ones come back as an `isError` result
 * naming the field, so the model can correct itself: SEP-1303) and checks their results against the output
 * schema. Two cases the MCP specification (2025-11-25) makes protocol errors, and the SDK 1.32 does not, are
 * answered before the SDK sees the call: an unknown tool, and a request that is not a `tools/call` request
 * (`arguments` that are not an object, no `name`), which the SDK's schema would turn into -32603.
 */
export function registerTools(server: McpServer, tools: readonly Tool[]): void {
  const names = new Set<string>();
  for (const tool of tools) {
    names.add(tool.name);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      (args: unknown) => tool.call(args),
    );
  }
  guardToolCalls(server, names);
}

type RawHandler = (request: JSONRPCRequest, extra: unknown) => Promise<unknown>;

/**
 * Puts a check in front of the SDK's own `tools/call` handler. The SDK keeps its handlers in a private map and
 * parses the request before any handler a server could add, so the check wraps the entry in that map: the
 * test suite fails if an SDK upgrade moves it.
 */
function guardToolCalls(server: McpServer, names: ReadonlySet<string>): void {
  // biome-ignore lint/complexity/useLiteralKeys: element access is how TypeScript reaches a private member.
  const handlers = server.server['_requestHandlers'] as Map<string, RawHandler>;
  const sdk = handlers.get('tools/call');
  if (!sdk) throw new Error('the MCP SDK registered no tools/call handler');
  handlers.set('tools/call', async (request, extra) => {
    const problem = malformedCall(request.params, names);
    if (problem) throw new ProtocolError(RpcErrorCode.InvalidParams, problem);
    try {
      return sdkToolResult((await sdk(request, extra)) as CallToolResult);
    } catch (error) {
      // Whatever else fails the SDK's request schema (`_meta`, `task`) is still the caller's mistake.
      // The SDK's zod error is not this package's class: it is known by its issues.
      if (isZodError(error))
        throw new ProtocolError(
          RpcErrorCode.InvalidParams,
          `invalid tools/call request: ${oneLine(z.prettifyError(error))}`,
        );
      throw error;
    }
  });
}

function malformedCall(params: unknown, names: ReadonlySet<string>): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    return 'tools/call needs params: { name, arguments }';
  const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string') return 'tools/call needs params.name, the name of a tool (see tools/list)';
  if (!names.has(name)) return `unknown tool "${name}" (see tools/list)`;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
    return `the arguments of ${name} must be an object of named arguments, not ${describe(args)}`;
  return undefined;
}

function isZodError(error: unknown): error is z.ZodError {
  return error instanceof Error && 'issues' in error && Array.isArray(error.issues);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
