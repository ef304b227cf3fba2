import { describe, expect, it } from 'vitest';
import { generalizeAction } from '../../src/learning/episode-utils.js';
import { extractToolSequences } from '../../src/learning/index.js';
import { makeEpisode } from './fixtures.js';

describe('generalizeAction', () => {
  it('replaces identifiers and keeps words, versions and short numbers', () => {
    expect(generalizeAction('order #W6067464, 2 items')).toBe('order <id>, 2 items');
    expect(generalizeAction('user noah_khan_7453')).toBe('user <id>');
    expect(generalizeAction('use python3 with utf8, v1.2.3')).toBe('use python3 with utf8, v1.2.3');
    expect(generalizeAction(`  ${'x'.repeat(200)} `)).toHaveLength(120);
  });

  it('keeps identifiers out of learned patterns', () => {
    const episode = makeEpisode({ n: 1, steps: ['read', 'edit'] });
    episode.steps[0]!.action = 'read order #W1023987';
    const [sequence] = extractToolSequences(episode);
    expect(sequence?.data.type === 'tool_sequence' && sequence.data.steps[0]?.action).toBe('read order <id>');
  });
});
