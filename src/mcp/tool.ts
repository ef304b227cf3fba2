import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  McpError,
  ErrorCode as RpcErrorCode,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toolError } from './errors.js';

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
 * Registers the tools, then takes over `tools/call`. The SDK (1.32) answers an unknown tool or arguments its
 * schema rejects with an `isError` result; this server makes them JSON-RPC errors (invalid params), so only
 * domain errors reach the agent as tool results and a malformed call fails where it was made.
 */
export function registerTools(server: McpServer, tools: readonly Tool[]): void {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    byName.set(tool.name, tool);
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
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    const tool = byName.get(name);
    if (!tool) throw new McpError(RpcErrorCode.InvalidParams, `unknown tool "${name}" (see tools/list)`);
    const parsed = await tool.input.safeParseAsync(args ?? {});
    if (!parsed.success) {
      throw new McpError(
        RpcErrorCode.InvalidParams,
        `invalid arguments for ${name}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      );
    }
    return tool.call(parsed.data);
  });
}
