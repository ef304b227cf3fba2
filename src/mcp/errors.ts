import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_FACES, oneLine, redactUrl, toMemoryError } from '../core/index.js';

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
  return { isError: true, content: [{ type: 'text', text: `${code}: ${oneLine(redactUrl(message))}` }] };
}

/**
 * A JSON-RPC error as the server sends it. Not `McpError`: its message already reads `MCP error -32602: …`, and
 * the client's `McpError` prefixes that again (`MCP error -32602: MCP error -32602: …`).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Resources and prompts have no error result: their domain errors are JSON-RPC errors, with the code in the text. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof McpError)
    return new ProtocolError(error.code, withoutPrefix(error.message), error.data);
  const { code, message } = toMemoryError(error);
  return new ProtocolError(ERROR_FACES[code].rpc, `${code}: ${oneLine(redactUrl(message))}`, { code });
}

/**
 * The SDK reports its own checks as tool errors reading `MCP error -32602: Input validation error: …` (or
 * `Output validation error`); the agent reads every tool error as `CODE: message`, so they are said the same way.
 * The tools' own errors already are and pass through.
 */
export function sdkToolResult(result: CallToolResult): CallToolResult {
  if (!result.isError) return result;
  const [block] = result.content;
  if (block?.type !== 'text' || !SDK_PREFIX.test(block.text)) return result;
  // One issue a line: `; ` keeps them apart on one line.
  const text = withoutPrefix(block.text)
    .replace(/\s*\n\s*/g, '; ')
    .trim();
  const input = /^Input validation error: Invalid arguments for tool (\S+): (.*)$/.exec(text);
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: input ? `INVALID_INPUT: invalid arguments for ${input[1]}: ${input[2]}` : `INTERNAL: ${text}`,
      },
    ],
  };
}

const SDK_PREFIX = /^MCP error -?\d+: /;

function withoutPrefix(message: string): string {
  return message.replace(SDK_PREFIX, '');
}
