import { describe, expect, it } from 'vitest';
import { contentId, PatternSchema } from '../../src/core/index.js';
import {
  extractContextPattern,
  extractDecisionPoints,
  extractErrorRecoveries,
  extractPatterns,
  extractToolSequences,
  isDecisionStep,
} from '../../src/learning/index.js';
import { findRecoveries, recoveryAt } from '../../src/learning/patterns/error-recovery.js';
import { abstained, fail, failure, makeEpisode, partial, success, timeout } from './fixtures.js';

describe('extractToolSequences', () => {
  it('splits at errors, collapses repeats and records each run', () => {
    const episode = makeEpisode({ steps: ['read', 'edit', 'edit', fail('test'), 'test', 'lint'] });
    const [first, second, ...rest] = extractToolSequences(episode);
    expect(first?.key).toBe('tool_sequence|web|read>edit');
    expect(first?.data).toEqual({
      type: 'tool_sequence',
      steps: [
        { tool: 'read', action: 'read step' },
        { tool: 'edit', action: 'edit step' },
      ],
    });
    expect(first?.totalLatencyMs).toBe(300);
    expect(second?.key).toBe('tool_sequence|web|test>lint');
    expect(rest).toEqual([]);
  });

  it('fills every field of an observation from the episode', () => {
    const episode = makeEpisode({ steps: ['read', 'edit'], context: { tags: ['auth'], language: 'ts' } });
    const [p] = extractToolSequences(episode);
    expect(p && PatternSchema.parse(p)).toEqual(p);
    expect(p?.id).toBe(contentId('pat', 'tool_sequence|web|read>edit'));
    expect(p).toMatchObject({ occurrences: 1, successCount: 1, successRate: 1, effectiveness: 0.5 });
    expect(p).toMatchObject({
      evidence: [episode.id],
      firstSeen: episode.endedAt,
      lastSeen: episode.endedAt,
    });
    expect(p?.context).toEqual({ domain: 'web', taskType: 'debugging', language: 'ts', tags: ['auth'] });
  });

  it('keeps only successful or partial episodes, and partial ones count no success', () => {
    expect(extractToolSequences(makeEpisode({ steps: ['read', 'edit'], outcome: failure() }))).toEqual([]);
    const [p] = extractToolSequences(makeEpisode({ steps: ['read', 'edit'], outcome: partial() }));
    expect(p?.successCount).toBe(0);
    expect(p?.successRate).toBe(0);
  });

  it('cuts long runs to eight tools and falls back to a single tool', () => {
    const tools = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const [long] = extractToolSequences(makeEpisode({ steps: tools }));
    expect(long?.key).toBe('tool_sequence|web|t0>t1>t2>t3>t4>t5>t6>t7');
    const [single, ...none] = extractToolSequences(makeEpisode({ steps: ['bash', fail('bash'), 'bash'] }));
    expect(single?.key).toBe('tool_sequence|web|bash');
    expect(single?.totalLatencyMs).toBe(200);
    expect(none).toEqual([]);
  });

  it('keys carry no episode-specific values', () => {
    const a = makeEpisode({ n: 1, steps: [{ tool: 'grep', params: { q: 'x' } }, 'edit'] });
    const b = makeEpisode({ n: 2, steps: [{ tool: 'grep', params: { q: 'y' }, action: 'other' }, 'edit'] });
    expect(extractPatterns(a).map((p) => p.key)).toEqual(extractPatterns(b).map((p) => p.key));
    expect(extractPatterns(a).every((p) => !p.key.includes(a.id))).toBe(true);
  });
});

describe('extractDecisionPoints', () => {
  it('matches decision words as whole words, also inside snake_case names', () => {
    expect(isDecisionStep({ tool: 'validate_input', action: '' })).toBe(true);
    expect(isDecisionStep({ tool: 'check_stock', action: '' })).toBe(true);
    expect(isDecisionStep({ tool: 'bash', action: 'type-check the project' })).toBe(true);
    expect(isDecisionStep({ tool: 'bash', action: 'npm test' })).toBe(true);
    // Only the first two words of an action say what the step does.
    expect(isDecisionStep({ tool: 'edit', action: 'fix the token expiry check' })).toBe(false);
    expect(isDecisionStep({ tool: 'validator', action: 'validated the schema' })).toBe(false);
    expect(isDecisionStep({ tool: 'checker', action: 'tests and linting' })).toBe(false);
  });

  it('records the branch and up to three following steps', () => {
    const steps = ['read', fail('lint'), 'edit', 'lint', 'commit', 'push'];
    const [failed, passed, ...rest] = extractDecisionPoints(makeEpisode({ steps }));
    expect(failed?.key).toBe('decision_point|web|lint|failed|edit>lint>commit');
    expect(failed?.data).toMatchObject({ branch: 'failed', check: { tool: 'lint' } });
    expect(failed?.totalLatencyMs).toBe(400);
    expect(passed?.key).toBe('decision_point|web|lint|passed|commit>push');
    expect(rest).toEqual([]);
  });

  it('skips a check with nothing after it', () => {
    expect(extractDecisionPoints(makeEpisode({ steps: ['edit', 'validate_input'] }))).toEqual([]);
    expect(extractDecisionPoints(makeEpisode({ steps: ['validated', 'edit'] }))).toEqual([]);
  });

  it('takes nothing from a failed or abstained episode: what it did after a check is not advice', () => {
    const steps = [fail('lint'), 'edit', 'push'];
    expect(extractDecisionPoints(makeEpisode({ steps, outcome: failure() }))).toEqual([]);
    expect(extractDecisionPoints(makeEpisode({ steps, outcome: abstained() }))).toEqual([]);
    const [p] = extractDecisionPoints(makeEpisode({ steps, outcome: partial() }));
    expect(p).toMatchObject({ key: 'decision_point|web|lint|failed|edit>push', successCount: 0 });
  });
});

describe('extractErrorRecoveries', () => {
  it('follows an error up to the success of the same tool', () => {
    const steps = [fail('npm', 'ETIMEDOUT fetching'), 'bash', 'npm', 'edit'];
    const [p, ...rest] = extractErrorRecoveries(makeEpisode({ steps }));
    expect(p?.key).toBe('error_recovery|web|npm|ETIMEDOUT|bash>npm');
    expect(p?.data).toMatchObject({ errorClass: 'ETIMEDOUT', failed: { tool: 'npm' } });
    expect(p?.totalLatencyMs).toBe(300);
    expect(rest).toEqual([]);
  });

  it('ends at the same tool when it runs again, else at any success; keeps the last three steps', () => {
    const steps = [timeout('npm'), fail('yarn', 'EPERM'), 'pnpm', 'bash', 'npm'];
    const keys = extractErrorRecoveries(makeEpisode({ steps })).map((p) => p.key);
    expect(keys).toEqual([
      'error_recovery|web|npm|timeout|pnpm>bash>npm',
      'error_recovery|web|yarn|EPERM|pnpm',
    ]);
    // yarn never ran again: pnpm working says nothing about EPERM in an episode that failed.
    const failed = extractErrorRecoveries(makeEpisode({ steps, outcome: failure('lockfile conflict') }));
    expect(failed.map((p) => p.key)).toEqual(['error_recovery|web|npm|timeout|pnpm>bash>npm']);
  });

  it('emits nothing without a recovery', () => {
    expect(extractErrorRecoveries(makeEpisode({ steps: [fail('npm'), fail('npm')] }))).toEqual([]);
    expect(extractErrorRecoveries(makeEpisode({ steps: ['npm', fail('npm')] }))).toEqual([]);
  });
});

describe('recoveryAt', () => {
  const deploy = [fail('deploy', 'ImagePullBackOff'), 'edit', fail('deploy', 'ImagePullBackOff')];

  it('finds nothing when the failed tool fails again after the fix', () => {
    const outcome = failure('pods never started');
    expect(recoveryAt(makeEpisode({ steps: deploy }).steps, 0, outcome)).toBeNull();
    expect(findRecoveries(makeEpisode({ steps: deploy }).steps, outcome)).toEqual([]);
    // Even a successful episode did not get past it: deploy never worked.
    expect(extractErrorRecoveries(makeEpisode({ steps: deploy }))).toEqual([]);
  });

  it('counts only the retry that worked, not the one that failed the same way', () => {
    const { steps } = makeEpisode({ steps: [fail('npm', 'ETIMEDOUT'), fail('npm', 'ETIMEDOUT'), 'npm'] });
    expect(recoveryAt(steps, 0, success())).toBeNull();
    expect(recoveryAt(steps, 1, success())?.map((s) => s.seq)).toEqual([3]);
    expect(findRecoveries(steps, success()).map((r) => r.index)).toEqual([1]);
  });

  it('finds nothing when the error came back and stayed', () => {
    const { steps } = makeEpisode({ steps: [fail('npm', 'ETIMEDOUT'), 'npm', fail('npm', 'ETIMEDOUT')] });
    expect(recoveryAt(steps, 0, success())).toBeNull();
    // A different error later is a different problem: the first one was got past.
    const other = makeEpisode({ steps: [fail('npm', 'ETIMEDOUT'), 'npm', fail('npm', 'EACCES')] });
    expect(recoveryAt(other.steps, 0, success())?.map((s) => s.tool)).toEqual(['npm']);
  });

  it('keeps a recovery in a failed episode unless the failure is about that tool or error', () => {
    const { steps } = makeEpisode({
      steps: [fail('npm', 'AssertionError: x'), 'edit', 'npm', fail('deploy')],
    });
    expect(recoveryAt(steps, 0, failure('deploy rejected by the cluster'))?.map((s) => s.tool)).toEqual([
      'edit',
      'npm',
    ]);
    expect(recoveryAt(steps, 0, failure('npm test is still red'))).toBeNull();
    expect(recoveryAt(steps, 0, failure('an AssertionError in CI'))).toBeNull();
    expect(recoveryAt(steps, 3, failure('deploy rejected by the cluster'))).toBeNull();
  });
});

describe('extractContextPattern', () => {
  it('keys on sorted features, task type and outcome', () => {
    const episode = makeEpisode({
      steps: ['a', 'b'],
      context: { language: 'ts', framework: 'express' },
      outcome: failure(),
    });
    const p = extractContextPattern(episode);
    expect(p.data).toMatchObject({
      features: ['complexity:simple', 'domain:web', 'framework:express', 'language:ts'],
    });
    expect(p.key).toBe(
      'context_pattern|complexity:simple,domain:web,framework:express,language:ts|debugging|failure',
    );
    expect(p.successCount).toBe(0);
    expect(p.totalLatencyMs).toBe(200);
  });

  it('is the one pattern of an episode without steps', () => {
    const patterns = extractPatterns(makeEpisode({ steps: [] }));
    expect(patterns.map((p) => p.type)).toEqual(['context_pattern']);
  });
});
