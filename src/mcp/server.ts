import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../core/index.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTools, type Tool } from './tool.js';
import { collaborationTools } from './tools/collaboration.js';
import { episodeTools } from './tools/episodes.js';
import { retrievalTools } from './tools/retrieval.js';

const INSTRUCTIONS = `A memory of your past work that learns what works.
Before a task: retrieve_context and recommend_playbook.
During it: start_episode, then log_step after each tool call; checkpoint_episode at milestones.
At the end: complete_episode with the outcome, then record_feedback on the patterns you applied.
Handing over: get_handoff, then resume_from_handoff.`;

/**
 * An MCP server over a memory: tools, resources and the `start-task` prompt. The memory is not owned: the
 * caller opens it and closes it. One server serves one connection; build one per session, and pass the same
 * `tools` (from `mcpTools`) to the servers of one memory: their schemas are then built once, not per session.
 *
 * @example
 * const memory = await SelfLearningMemory.open({ db: './memory.db' });
 * await createMcpServer(memory).connect(new StdioServerTransport());
 */
export function createMcpServer(
  memory: SelfLearningMemory,
  tools: readonly Tool[] = mcpTools(memory),
): McpServer {
  const server = new McpServer({ name: 'slmem', version: VERSION }, { instructions: INSTRUCTIONS });
  registerTools(server, tools);
  registerResources(server, memory);
  registerPrompts(server, memory);
  return server;
}

/** The tools of a server over `memory`, with their argument and result schemas. */
export function mcpTools(memory: SelfLearningMemory): Tool[] {
  return [...episodeTools(memory), ...retrievalTools(memory), ...collaborationTools(memory)];
}
