import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError, ErrorCode as RpcErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorCode } from '../core/index.js';
import { toMemoryError } from '../core/index.js';

/**
 * The one place the MCP face maps errors to the outside.
 *
 * A domain error (unknown episode, completed episode, a limit) is a tool result the agent can read and act on:
 * `isError: true` and one text block `CODE: message`. There is no `structuredContent` on errors: the SDK's
 * client checks any structured content against the tool's output schema, error or not, so an error object
 * there would turn a readable tool error into a client-side exception.
 */
export function toolError(error: unknown): CallToolResult {
  const { code, message } = toMemoryError(error);
  return { isError: true, content: [{ type: 'text', text: `${code}: ${oneLine(message)}` }] };
}

/** Resources and prompts have no error result: their domain errors are JSON-RPC errors, with the code in the text. */
export function toProtocolError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  const { code, message } = toMemoryError(error);
  return new McpError(RPC_CODES[code], `${code}: ${oneLine(message)}`, { code });
}

/** Client mistakes are invalid params; everything else is the server's fault. */
const RPC_CODES: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: RpcErrorCode.InvalidParams,
  LIMIT_EXCEEDED: RpcErrorCode.InvalidParams,
  // -32002 is the code the MCP specification gives a missing resource.
  NOT_FOUND: -32002,
  CONFLICT: RpcErrorCode.InvalidParams,
  EPISODE_COMPLETED: RpcErrorCode.InvalidParams,
  STORAGE_ERROR: RpcErrorCode.InternalError,
  EMBEDDING_ERROR: RpcErrorCode.InternalError,
  INTERNAL: RpcErrorCode.InternalError,
};

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
