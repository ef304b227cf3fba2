import { describe, expect, it } from 'vitest';
import { type EndedEpisode, reflectOnEpisode, scoreEpisode } from '../../src/learning/index.js';
import { abstained, type EpisodeSpec, fail, failure, makeEpisode, partial, timeout } from './fixtures.js';

function reflect(spec: EpisodeSpec) {
  const episode: EndedEpisode = makeEpisode(spec);
  return reflectOnEpisode(episode, scoreEpisode(episode));
}

describe('reflectOnEpisode: successes', () => {
  it('names the effective sequence of a successful episode, collapsing repeats', () => {
    const { successes } = reflect({ steps: ['read', 'edit', 'edit', 'test'] });
    expect(successes).toContain('Effective sequence: read → edit → test');
    expect(successes).toContain('All 4 steps succeeded');
    expect(reflect({ steps: ['read', 'edit'], outcome: failure() }).successes).not.toContainEqual(
      expect.stringMatching(/^Effective sequence/),
    );
  });

  it('names each recovery and drops "all succeeded" once a step failed', () => {
    const { successes } = reflect({ steps: [fail('npm', 'ETIMEDOUT reading registry'), 'npm'] });
    expect(successes).toContain('Recovered from npm ETIMEDOUT by npm');
    expect(successes.some((s) => s.startsWith('All '))).toBe(false);
    expect(reflect({ steps: ['read', fail('npm')] }).successes.some((s) => s.startsWith('Recovered'))).toBe(
      false,
    );
  });
});

describe('reflectOnEpisode: a failed episode', () => {
  const deploy = [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')];

  it('says which fix did not work instead of calling it a recovery', () => {
    const r = reflect({ steps: deploy, outcome: failure('pods never started') });
    expect(r.improvements).toContain('deploy failed with imagepullbackoff; edit did not fix it');
    expect(r.successes).toEqual([]);
    expect(r.insights).toContain('Sequence that led to the failure: deploy → edit → deploy');
  });

  it('never offers its steps as a recipe, even when every step ran', () => {
    const r = reflect({ steps: ['read', 'edit', 'edit', 'push'], outcome: failure('wrong branch') });
    expect(r.successes).toEqual([]);
    expect(r.insights).toContain('Sequence that led to the failure: read → edit → push');
    expect(r.insights).toContain('All 4 steps ran without error, yet the task failed');
  });

  it('keeps a recovery unrelated to the failure, and blames a fix never retried', () => {
    const steps = [fail('npm', 'AssertionError'), 'edit', 'npm', fail('deploy', 'EACCES'), 'chmod'];
    const r = reflect({ steps, outcome: failure('deploy was rejected') });
    expect(r.successes).toEqual(['Recovered from npm AssertionError by edit → npm']);
    expect(r.improvements).toContain('deploy failed with EACCES; chmod did not fix it');
    expect(r.improvements.some((s) => s.startsWith('npm failed'))).toBe(false);
  });
});

describe('reflectOnEpisode: improvements', () => {
  it('flags a tool that failed twice, but not once', () => {
    const twice = reflect({ steps: [fail('npm'), fail('npm'), 'npm'] }).improvements;
    expect(twice).toContain('npm failed 2 times; check its inputs before retrying');
    const once = reflect({ steps: [fail('npm'), 'npm'] }).improvements;
    expect(once.some((s) => s.includes('failed'))).toBe(false);
  });

  it('flags a slow step against the median, only past one second', () => {
    const lat = (latencyMs: number) => ({ tool: 'build', latencyMs });
    const slow = reflect({ steps: [lat(100), lat(100), lat(100), lat(5000)] }).improvements;
    expect(slow).toContain('Step 4 (build) took 5000 ms, over 3× the median of 100 ms');
    const fast = reflect({ steps: [lat(100), lat(100), lat(100), lat(900)] }).improvements;
    expect(fast.some((s) => s.includes('median'))).toBe(false);
  });

  it('flags the same call repeated with deep-equal params', () => {
    const grep = (params: Record<string, unknown>) => ({ tool: 'grep', action: 'search', params });
    const same = reflect({ steps: [grep({ a: 1, b: [2] }), grep({ b: [2], a: 1 })] }).improvements;
    expect(same).toContain('grep repeated a call that had just succeeded once; reuse the first result');
    const different = reflect({ steps: [grep({ a: 1 }), grep({ a: 2 })] }).improvements;
    expect(different.some((s) => s.includes('repeated'))).toBe(false);
    // Running tests again after an edit is not redundant.
    const rerun = reflect({ steps: [grep({ a: 1 }), 'edit', grep({ a: 1 })] }).improvements;
    expect(rerun.some((s) => s.includes('repeated'))).toBe(false);
  });

  it('flags timeouts, the failure reason and steps over budget', () => {
    const steps = ['a', 'b', 'c', 'd', timeout('npm'), 'e'];
    const { improvements } = reflect({ steps, outcome: failure('lockfile conflict') });
    expect(improvements[0]).toBe('Failed: lockfile conflict');
    expect(improvements).toContain('npm timed out once; raise its timeout or split the work');
    expect(improvements).toContain('Took 6 steps against a budget of 5 for a simple task');
    expect(reflect({ steps: ['a', 'b'] }).improvements).toEqual([]);
  });
});

describe('reflectOnEpisode: insights', () => {
  it('reports error rate, dominant tool and tokens', () => {
    const steps = [{ tool: 'edit', tokens: 100 }, { tool: 'edit', tokens: 200 }, 'edit', fail('test')];
    const { insights } = reflect({ steps, outcome: partial(['login'], ['docs']) });
    expect(insights).toContain('Error rate 25% (1 of 4 steps)');
    expect(insights).toContain('edit was the main tool (3 of 4 steps)');
    expect(insights).toContain('Used 300 tokens over 2 steps');
    expect(insights).toContain('Partial: unfinished docs');
  });

  it('reports abstention signals and a complexity that does not fit the steps', () => {
    const abst = reflect({ outcome: abstained('cannot reach', ['missing credentials', 'no network']) });
    expect(abst.insights).toContain('Abstained on signals: missing credentials, no network');
    expect(abst.insights.some((s) => s.startsWith('Error rate'))).toBe(false);
    const long = reflect({ steps: Array.from({ length: 11 }, (_, i) => `t${i}`) }).insights;
    expect(long).toContain('A simple task took 11 steps; it may be more complex than labelled');
    const short = reflect({ steps: ['a', 'b'], context: { complexity: 'complex' } }).insights;
    expect(short).toContain('A complex task took only 2 steps; it may be simpler than labelled');
  });

  it('keeps at most five distinct lines per list', () => {
    const tools = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const steps = tools.flatMap((t) => [timeout(t), timeout(t), { tool: t, latencyMs: 9000 }]);
    const r = reflect({ steps, outcome: failure() });
    for (const list of [r.successes, r.improvements, r.insights]) {
      expect(list.length).toBeLessThanOrEqual(5);
      expect(new Set(list).size).toBe(list.length);
    }
    expect(r.improvements).toHaveLength(5);
  });
});
