import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../../src/http/index.js';
import { SelfLearningMemory } from '../../src/memory/index.js';
import { dropSchemas, testBackends } from '../backends.js';

afterAll(dropSchemas);

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

/** A JSON body as read back; `conforms` checks its shape against the route's schema. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read fields of bodies whose shape `conforms` checks.
type Json = any;

/** Sends JSON to the app in-process and returns the status and the parsed body. */
async function call(
  http: HttpApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await http.app.request(path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The response must be what the route's schema (and so its OpenAPI description) says. */
function conforms(http: HttpApp, method: string, path: string, body: unknown): void {
  const route = http.routes.find((r) => r.method === method && r.path === path);
  if (!route) throw new Error(`no route ${method} ${path}`);
  const parsed = route.response.safeParse(body);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
}

async function recordEpisode(
  http: HttpApp,
  task: string,
  outcome: 'success' | 'failure',
  tags: string[] = [],
): Promise<string> {
  const started = await call(http, 'POST', '/api/episodes', { task, domain: 'retail', tags });
  expect(started.status).toBe(201);
  const id = started.body.episode_id as string;
  for (const [tool, error] of [
    ['find_user_id_by_email', undefined],
    ['get_order_details', outcome === 'failure' ? 'order not found' : undefined],
    ['cancel_pending_order', undefined],
  ] as const) {
    const step = await call(http, 'POST', `/api/episodes/${id}/steps`, {
      tool,
      action: `${tool} for the customer`,
      latency_ms: 12,
      ...(error ? { error } : { output: 'ok' }),
    });
    expect(step.status).toBe(201);
  }
  const done = await call(http, 'POST', `/api/episodes/${id}/complete`, {
    outcome,
    ...(outcome === 'success' ? { verdict: 'order cancelled' } : { reason: 'wrong order id' }),
  });
  expect(done.status).toBe(200);
  conforms(http, 'post', '/api/episodes/:id/complete', done.body);
  return id;
}

describe.each(testBackends())('the HTTP API on $name', ({ db }) => {
  let memory: SelfLearningMemory;
  let http: HttpApp;
  const ids: string[] = [];
  beforeAll(async () => {
    memory = await SelfLearningMemory.open({ db: db(), embeddings: { provider: 'hash' } });
    http = createHttpApp(memory);
    for (let i = 0; i < 5; i++)
      ids.push(
        await recordEpisode(
          http,
          `Cancel the pending order of customer ${NAMES[i]}`,
          i % 2 ? 'failure' : 'success',
          i === 0 ? ['vip'] : [],
        ),
      );
  });
  afterAll(async () => {
    await http.close();
    await memory.close();
  });

  it('shows an episode with its steps, reward components, the patterns it taught and its links', async () => {
    const { status, body } = await call(http, 'GET', `/api/episodes/${ids[0]}`);
    expect(status).toBe(200);
    conforms(http, 'get', '/api/episodes/:id', body);
    expect(body.episode.steps.map((s: { tool: string }) => s.tool)).toEqual([
      'find_user_id_by_email',
      'get_order_details',
      'cancel_pending_order',
    ]);
    expect(body.episode.reward_components.base).toBeGreaterThan(0);
    expect(body.patterns.length).toBe(body.episode.pattern_ids.length);
    expect(body.patterns.length).toBeGreaterThan(0);
    expect(body.links).toEqual([]);
    expect(body.linked_episodes).toEqual([]);
  });

  it("names the episodes at the other end of an episode's links", async () => {
    await memory.linkEpisodes({ from: ids[2] as string, to: ids[1] as string, type: 'follows' });
    const { body } = await call(http, 'GET', `/api/episodes/${ids[2]}`);
    conforms(http, 'get', '/api/episodes/:id', body);
    expect(body.links).toMatchObject([{ from_episode_id: ids[2], to_episode_id: ids[1], type: 'follows' }]);
    expect(
      body.linked_episodes.map((e: { episode_id: string; task: string }) => [e.episode_id, e.task]),
    ).toEqual([[ids[1], `Cancel the pending order of customer ${NAMES[1]}`]]);
  });

  it('lists by outcome, tag, words and status, and pages with next_offset', async () => {
    const failures = await call(http, 'GET', '/api/episodes?outcome=failure');
    conforms(http, 'get', '/api/episodes', failures.body);
    expect(failures.body.episodes.map((e: { episode_id: string }) => e.episode_id).sort()).toEqual(
      [ids[1], ids[3]].sort(),
    );
    const tagged = await call(http, 'GET', '/api/episodes?tag=vip');
    expect(tagged.body.episodes.map((e: { episode_id: string }) => e.episode_id)).toEqual([ids[0]]);
    const words = await call(http, 'GET', '/api/episodes?q=Echo%20cancel');
    expect(words.body.episodes.map((e: { episode_id: string }) => e.episode_id)).toEqual([ids[4]]);
    expect((await call(http, 'GET', '/api/episodes?status=in_progress')).body.episodes).toEqual([]);

    const first = await call(http, 'GET', '/api/episodes?limit=2');
    expect(first.body.episodes).toHaveLength(2);
    expect(first.body.next_offset).toBe(2);
    const last = await call(http, 'GET', '/api/episodes?limit=2&offset=4');
    expect(last.body.episodes).toHaveLength(1);
    expect(last.body.next_offset).toBeNull();
  });

  it('answers retrieve, playbook, patterns, heuristics, stats and progress in their documented shapes', async () => {
    const retrieved = await call(http, 'POST', '/api/retrieve', { task: 'cancel a pending order', limit: 3 });
    conforms(http, 'post', '/api/retrieve', retrieved.body);
    expect(retrieved.body.episodes.length).toBeGreaterThan(0);
    const playbook = await call(http, 'POST', '/api/playbook', { task: 'cancel a pending order' });
    conforms(http, 'post', '/api/playbook', playbook.body);
    expect(playbook.body.steps.length).toBeGreaterThan(0);
    const patterns = await call(http, 'GET', '/api/patterns?sort=occurrences&limit=3');
    conforms(http, 'get', '/api/patterns', patterns.body);
    const one = await call(http, 'GET', `/api/patterns/${patterns.body.patterns[0].pattern_id}`);
    conforms(http, 'get', '/api/patterns/:id', one.body);
    expect(one.body.episodes.length).toBeGreaterThan(0);
    const stats = await call(http, 'GET', '/api/stats');
    conforms(http, 'get', '/api/stats', stats.body);
    expect(stats.body.by_outcome).toMatchObject({ success: 3, failure: 2 });
    // No tuning yet: five episodes, none tuned on.
    expect(stats.body.tuning).toBeNull();
    const progress = await call(http, 'GET', '/api/progress?bucket=day');
    conforms(http, 'get', '/api/progress', progress.body);
    expect(progress.body.series.reduce((n: number, p: { completed: number }) => n + p.completed, 0)).toBe(5);

    // A check step with more steps after it, seen twice, teaches a rule.
    const checked = {
      task: 'Fix the failing build',
      context: { domain: 'web' },
      outcome: { status: 'success' },
    };
    const tools = ['grep', 'test', 'edit'].map((tool) => ({ tool, action: tool }));
    const imported = await memory.importEpisodes([
      { ...checked, steps: tools },
      { ...checked, task: 'Fix the failing build again', steps: tools },
    ]);
    expect(imported.failed).toEqual([]);
    const heuristics = await call(http, 'GET', '/api/heuristics');
    conforms(http, 'get', '/api/heuristics', heuristics.body);
    expect(heuristics.body.heuristics.length).toBeGreaterThan(0);
    for (const listed of heuristics.body.heuristics.slice(0, 2)) {
      const rule = await call(http, 'GET', `/api/heuristics/${listed.heuristic_id}`);
      conforms(http, 'get', '/api/heuristics/:id', rule.body);
      expect(rule.body.episodes.map((e: { episode_id: string }) => e.episode_id).sort()).toEqual(
        [...listed.evidence_episode_ids].sort(),
      );
    }
    expect((await call(http, 'GET', '/api/heuristics/nope')).status).toBe(404);
  });

  it('moves a pattern on feedback and lists it among those that helped most', async () => {
    const [pattern] = (await call(http, 'GET', '/api/patterns?limit=1')).body.patterns;
    const fed = await call(http, 'POST', '/api/feedback', {
      pattern_ids: [pattern.pattern_id],
      success: true,
    });
    conforms(http, 'post', '/api/feedback', fed.body);
    expect(fed.body.patterns[0].feedback_helped).toBe(pattern.feedback_helped + 1);
    const progress = await call(http, 'GET', '/api/progress');
    expect(progress.body.top_patterns[0].pattern_id).toBe(pattern.pattern_id);
  });

  it('deletes an episode: 204, then 404 with the code', async () => {
    const id = await recordEpisode(http, 'Exchange a delivered item', 'success');
    expect((await call(http, 'DELETE', `/api/episodes/${id}`)).status).toBe(204);
    const gone = await call(http, 'GET', `/api/episodes/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
  });
});
