import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { SelfLearningMemory } from '../memory/index.js';
import { foundEpisodesView, playbookView } from '../views/index.js';
import { toProtocolError } from './errors.js';
import { playbookText } from './tools/retrieval.js';

/** `start-task`: the memory's experience for a task, phrased as the opening message of the work. */
export function registerPrompts(server: McpServer, memory: SelfLearningMemory): void {
  server.registerPrompt(
    'start-task',
    {
      title: 'Start a task with experience',
      description:
        'Retrieves the past episodes and a playbook for a task and asks the agent to record the new episode',
      argsSchema: {
        task: z.string().min(1).max(10_000).describe('the task to do'),
        domain: z.string().min(1).max(200).optional().describe('area of work, e.g. web, retail'),
      },
    },
    async ({ task, domain }) => {
      try {
        return await startTaskPrompt(memory, task, domain);
      } catch (error) {
        throw toProtocolError(error);
      }
    },
  );
}

async function startTaskPrompt(
  memory: SelfLearningMemory,
  task: string,
  domain: string | undefined,
): Promise<GetPromptResult> {
  const context = domain ? { domain } : {};
  const [found, playbook] = await Promise.all([
    memory.retrieve({ task, context, limit: 5 }),
    memory.playbook({ task, context }),
  ]);
  const episodes = foundEpisodesView(found);
  const view = playbookView(playbook);
  const past =
    episodes.length === 0
      ? ['No similar past episodes yet: you are the first.']
      : episodes.map(
          (e) =>
            `- ${e.task} (${e.outcome ?? 'unfinished'}${e.reward === null ? '' : `, reward ${e.reward.toFixed(2)}`}; ` +
            `episode ${e.episode_id}): ${e.why}`,
        );
  const text = [
    `Task: ${task}${domain ? ` (domain: ${domain})` : ''}`,
    '',
    'Relevant past episodes:',
    ...past,
    '',
    'Playbook from past experience:',
    playbookText(view),
    '',
    'While you work, record the episode so the memory learns from it:',
    `1. start_episode with this task${domain ? ` and domain "${domain}"` : ''}; keep the episode_id.`,
    '2. log_step after each tool call, with its output or its error.',
    '3. complete_episode with the outcome (success, partial, failure or abstained) and a verdict or reason.',
    `4. record_feedback with the pattern ids you relied on${
      view.pattern_ids.length > 0 ? ` (${view.pattern_ids.join(', ')})` : ''
    } and whether they helped.`,
  ].join('\n');
  return {
    description: `Experience for: ${task}`,
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}
