import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { SelfLearningMemory } from '../memory/index.js';
import { episodeSummaryView, episodeView, patternView } from '../views/index.js';
import { toProtocolError } from './errors.js';

const RECENT = 20;

/** `episode://{id}`, `pattern://{id}` and `episodes://recent`, as JSON in the tools' vocabulary. */
export function registerResources(server: McpServer, memory: SelfLearningMemory): void {
  server.registerResource(
    'episode',
    new ResourceTemplate('episode://{id}', { list: undefined }),
    {
      title: 'Episode',
      description: 'One episode with its steps, outcome, reward and reflection',
      mimeType: 'application/json',
    },
    (uri, { id }) => readJson(uri, async () => episodeView(await memory.getEpisode(single(id)))),
  );
  server.registerResource(
    'pattern',
    new ResourceTemplate('pattern://{id}', { list: undefined }),
    {
      title: 'Pattern',
      description: 'One learned pattern with its success rate, evidence and data',
      mimeType: 'application/json',
    },
    (uri, { id }) => readJson(uri, async () => patternView(await memory.getPattern(single(id)))),
  );
  server.registerResource(
    'recent-episodes',
    'episodes://recent',
    {
      title: 'Recent episodes',
      description: `The ${RECENT} most recent episodes, newest first (no steps)`,
      mimeType: 'application/json',
    },
    (uri) =>
      readJson(uri, async () => ({
        episodes: (await memory.listEpisodes({ limit: RECENT })).map(episodeSummaryView),
      })),
  );
}

async function readJson(uri: URL, read: () => Promise<unknown>): Promise<ReadResourceResult> {
  try {
    const value = await read();
    return {
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
    };
  } catch (error) {
    throw toProtocolError(error);
  }
}

function single(value: string | string[] | undefined): string {
  return decodeURIComponent((Array.isArray(value) ? value[0] : value) ?? '');
}
