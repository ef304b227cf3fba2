import {
  type Checkpoint,
  type Episode,
  type Feedback,
  type Learn,
  type LearningResult,
  type Link,
  type LinkType,
  MemoryError,
  ORDERED_LINK_TYPES,
  type Outcome,
  type Pattern,
  type Step,
} from '../core/index.js';
import { checkImportable, importBatch, noOutcome, toolCountDeltas } from './import.js';
import { loadBatch } from './load.js';
import type { StoragePort, WriteTx } from './port.js';
import type {
  CandidateFacts,
  CandidateHits,
  CandidateLoad,
  CandidateQuery,
  ChosenEpisodes,
  ImportResult,
  LoadBatch,
  LoadedFacts,
  StorageBackend,
  StoredVector,
} from './storage.js';

/**
 * The storage role, written once over any backend's port: what each write reads, decides and writes, and in
 * which transaction. Reads go straight to the port.
 */
export class Store implements StorageBackend {
  readonly #port: StoragePort;

  constructor(port: StoragePort) {
    this.#port = port;
  }

  get kind(): string {
    return this.#port.kind;
  }
  get namespace(): string {
    return this.#port.namespace;
  }
  namespaces(): Promise<string[]> {
    return this.#port.namespaces();
  }

  async createEpisode(episode: Episode): Promise<void> {
    await this.#port.transaction((tx) => tx.insertEpisode(episode));
  }

  async appendStep(episodeId: string, step: Omit<Step, 'seq'>, maxSteps: number): Promise<Step> {
    return this.#port.transaction(async (tx) => {
      const head = await tx.lockEpisode(episodeId);
      if (!head) throw notFound('episode', episodeId);
      if (head.endedAt !== null) {
        throw new MemoryError(
          'EPISODE_COMPLETED',
          `episode ${episodeId} is completed; start a new episode to log more steps`,
        );
      }
      if (head.stepCount >= maxSteps) {
        throw new MemoryError(
          'LIMIT_EXCEEDED',
          `episode ${episodeId} has ${head.stepCount} steps; the limit is ${maxSteps}`,
          { details: { field: 'steps', limit: maxSteps } },
        );
      }
      // Steps are ordered by the lock: a step that took its time before an earlier one committed (another
      // process, another host's clock) is stamped no earlier than it.
      const stored: Step = { ...step, at: latest(step.at, head.lastAt), seq: head.stepCount + 1 };
      await tx.appendSteps(episodeId, [stored]);
      return stored;
    });
  }

  async completeEpisode(
    episodeId: string,
    outcome: Outcome,
    endedAt: string,
    learn: Learn,
  ): Promise<LearningResult> {
    return this.#port.transaction(async (tx) => {
      const head = await tx.lockEpisode(episodeId);
      if (!head) throw notFound('episode', episodeId);
      if (head.endedAt !== null) {
        throw new MemoryError('EPISODE_COMPLETED', `episode ${episodeId} is already completed`);
      }
      const episode = await tx.loadEpisode(episodeId);
      if (!episode) throw notFound('episode', episodeId);
      const end = latest(endedAt, head.lastAt);
      const result = await learnAndStore(tx, { ...episode, outcome, endedAt: end }, learn);
      await tx.bumpGeneration();
      return result;
    });
  }

  /**
   * The whole batch in one transaction, its work done once per batch (`importBatch`). When a record fails in a
   * way only the store finds out, the batch runs again record by record, one savepoint each, so that only the
   * failing records are left out (a server slows down past a few dozen subtransactions in one transaction, so
   * this is the fallback, not the way).
   */
  async importEpisodes(episodes: Episode[], learn: Learn): Promise<ImportResult[]> {
    try {
      return await this.#port.transaction((tx) => importBatch(tx, episodes, learn));
    } catch (error) {
      if (!(error instanceof MemoryError) || !RECORD_ERRORS.has(error.code)) throw error;
    }
    return this.#port.transaction(async (tx) => {
      const results: ImportResult[] = [];
      for (const episode of episodes) {
        const stored = await tx.savepoint(() => importOne(tx, episode, learn));
        results.push(stored.ok ? { ok: true, episode: stored.value.episode } : stored);
      }
      if (results.some((r) => r.ok)) await tx.bumpGeneration();
      return results;
    });
  }

  async load(batch: LoadBatch): Promise<void> {
    await this.#port.transaction(async (tx) => {
      await loadBatch(tx, batch);
      await tx.bumpGeneration();
    });
  }

  async deleteEpisode(id: string): Promise<boolean> {
    return this.#port.transaction(async (tx) => {
      const deleted = await tx.deleteEpisodes([id], { completedOnly: false });
      if (deleted.length > 0) await tx.bumpGeneration();
      return deleted.length > 0;
    });
  }

  async deleteCompletedEpisodes(ids: readonly string[]): Promise<string[]> {
    return this.#port.transaction(async (tx) => {
      const deleted = await tx.deleteEpisodes(ids, { completedOnly: true });
      if (deleted.length > 0) await tx.bumpGeneration();
      return deleted;
    });
  }

  async putVectors(vectors: readonly StoredVector[]): Promise<void> {
    await this.#port.transaction(async (tx) => {
      await tx.putVectors(vectors);
      // New vectors change what retrieval returns, so cached results must go.
      await tx.bumpGeneration();
    });
  }

  async recordFeedback(feedback: Feedback, apply: (pattern: Pattern) => Pattern): Promise<Pattern[]> {
    return this.#port.transaction(async (tx) => {
      if (feedback.episodeId !== undefined && !(await tx.lockEpisode(feedback.episodeId))) {
        throw notFound('episode', feedback.episodeId);
      }
      const ids = [...new Set(feedback.patternIds)];
      const stored = new Map((await tx.patternsByIds(ids)).map((p) => [p.id, p]));
      const updated = ids.map((id) => {
        const pattern = stored.get(id);
        if (!pattern) throw notFound('pattern', id);
        return apply(pattern);
      });
      await tx.upsertPatterns(updated, new Map(ids.map((id) => [id, stored.get(id)!.description])));
      await tx.insertFeedback(feedback);
      // Effectiveness is a ranking signal: cached retrieval results must go.
      await tx.bumpGeneration();
      return updated;
    });
  }

  async addCheckpoint(checkpoint: Omit<Checkpoint, 'stepCount'>): Promise<Checkpoint> {
    return this.#port.transaction(async (tx) => {
      const head = await tx.lockEpisode(checkpoint.episodeId);
      if (!head) throw notFound('episode', checkpoint.episodeId);
      if (head.endedAt !== null) {
        throw new MemoryError(
          'EPISODE_COMPLETED',
          `episode ${checkpoint.episodeId} is completed; checkpoints are for episodes in progress`,
        );
      }
      const stored: Checkpoint = { ...checkpoint, stepCount: head.stepCount };
      await tx.insertCheckpoint(stored);
      return stored;
    });
  }

  async updateTags(
    episodeId: string,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<Episode> {
    return this.#port.transaction(async (tx) => {
      if (!(await tx.lockEpisode(episodeId))) throw notFound('episode', episodeId);
      const episode = await tx.loadEpisode(episodeId);
      if (!episode) throw notFound('episode', episodeId);
      const removed = new Set(change.remove);
      const tags = [...new Set([...episode.tags, ...change.add])].filter((t) => !removed.has(t)).sort();
      // The tag index holds episode and context tags alike.
      await tx.setTags(episodeId, tags, [...new Set([...tags, ...episode.context.tags])]);
      await tx.bumpGeneration();
      return { ...episode, tags };
    });
  }

  /**
   * The cycle check reads the link graph and the insert writes it in one transaction that holds the lock of
   * the link type, so two writers cannot each add half of a cycle.
   */
  async addLink(link: Link): Promise<Link> {
    if (link.from === link.to) {
      throw new MemoryError('INVALID_INPUT', `an episode cannot be linked to itself (${link.from})`);
    }
    return this.#port.transaction(async (tx) => {
      await tx.lockKeys([`links:${link.type}`]);
      if (!(await tx.lockEpisode(link.from))) throw notFound('episode', link.from);
      if (!(await tx.lockEpisode(link.to))) throw notFound('episode', link.to);
      if (await tx.linkExists(link)) {
        throw new MemoryError('CONFLICT', `episode ${link.from} already ${link.type} ${link.to}`, {
          details: { from: link.from, to: link.to, type: link.type },
        });
      }
      if (ORDERED_LINK_TYPES.includes(link.type)) {
        const path = await pathBetween(tx, link.to, link.from, link.type);
        if (path) {
          const cycle = [link.from, ...path];
          throw new MemoryError(
            'CONFLICT',
            `a ${link.type} link from ${link.from} to ${link.to} would close a cycle: ${cycle.join(' → ')}`,
            { details: { cycle, type: link.type } },
          );
        }
      }
      await tx.insertLink(link);
      return link;
    });
  }

  async removeLink(link: { from: string; to: string; type: LinkType }): Promise<boolean> {
    return this.#port.transaction(async (tx) => {
      await tx.lockKeys([`links:${link.type}`]);
      return tx.deleteLink(link);
    });
  }

  findCandidates(query: CandidateQuery): Promise<CandidateHits> {
    return this.#port.findCandidates ? this.#port.findCandidates(query) : composeFind(this.#port, query);
  }

  candidateFacts(query: CandidateLoad): Promise<LoadedFacts> {
    return this.#port.candidateFacts ? this.#port.candidateFacts(query) : composeFacts(this.#port, query);
  }

  async warmVectors(query: { provider: string; dims: number }): Promise<number> {
    return (await this.#port.warmVectors?.(query)) ?? 0;
  }

  loadChosen(query: { ids: readonly string[]; steps?: boolean }): Promise<ChosenEpisodes> {
    return this.#port.loadChosen ? this.#port.loadChosen(query) : composeChosen(this.#port, query);
  }

  // Reads: the port answers them as they are.
  getEpisode: StoragePort['getEpisode'] = (...a) => this.#port.getEpisode(...a);
  getEpisodes: StoragePort['getEpisodes'] = (...a) => this.#port.getEpisodes(...a);
  listEpisodes: StoragePort['listEpisodes'] = (...a) => this.#port.listEpisodes(...a);
  searchEpisodes: StoragePort['searchEpisodes'] = (...a) => this.#port.searchEpisodes(...a);
  recentEpisodeIds: StoragePort['recentEpisodeIds'] = (...a) => this.#port.recentEpisodeIds(...a);
  usedTools: StoragePort['usedTools'] = (...a) => this.#port.usedTools(...a);
  toolCounts: StoragePort['toolCounts'] = (...a) => this.#port.toolCounts(...a);
  searchPatterns: StoragePort['searchPatterns'] = (...a) => this.#port.searchPatterns(...a);
  searchVectors: StoragePort['searchVectors'] = (...a) => this.#port.searchVectors(...a);
  getVectors: StoragePort['getVectors'] = (...a) => this.#port.getVectors(...a);
  staleVectorIds: StoragePort['staleVectorIds'] = (...a) => this.#port.staleVectorIds(...a);
  countVectors: StoragePort['countVectors'] = (...a) => this.#port.countVectors(...a);
  getCachedEmbeddings: StoragePort['getCachedEmbeddings'] = (...a) => this.#port.getCachedEmbeddings(...a);
  putCachedEmbeddings: StoragePort['putCachedEmbeddings'] = (...a) => this.#port.putCachedEmbeddings(...a);
  writeGeneration: StoragePort['writeGeneration'] = () => this.#port.writeGeneration();
  getTuning: StoragePort['getTuning'] = () => this.#port.getTuning();

  async putTuning(body: string): Promise<void> {
    await this.#port.transaction(async (tx) => {
      await tx.putTuning(body);
      await tx.bumpGeneration();
    });
  }
  getPattern: StoragePort['getPattern'] = (...a) => this.#port.getPattern(...a);
  getPatterns: StoragePort['getPatterns'] = (...a) => this.#port.getPatterns(...a);
  listPatterns: StoragePort['listPatterns'] = (...a) => this.#port.listPatterns(...a);
  getHeuristics: StoragePort['getHeuristics'] = (...a) => this.#port.getHeuristics(...a);
  listHeuristics: StoragePort['listHeuristics'] = (...a) => this.#port.listHeuristics(...a);
  listFeedback: StoragePort['listFeedback'] = (...a) => this.#port.listFeedback(...a);
  listCheckpoints: StoragePort['listCheckpoints'] = (...a) => this.#port.listCheckpoints(...a);
  listLinks: StoragePort['listLinks'] = (...a) => this.#port.listLinks(...a);
  stats: StoragePort['stats'] = () => this.#port.stats();
  progress: StoragePort['progress'] = (...a) => this.#port.progress(...a);
  backup: StoragePort['backup'] = (...a) => this.#port.backup(...a);

  close(): Promise<void> {
    return this.#port.close();
  }
}

/** Errors that fail one import record, not the store: the batch is tried again record by record. */
const RECORD_ERRORS = new Set<string>(['CONFLICT', 'INVALID_INPUT', 'LIMIT_EXCEEDED', 'NOT_FOUND']);

/** Stores one finished episode and learns from it. */
async function importOne(tx: WriteTx, episode: Episode, learn: Learn): Promise<LearningResult> {
  const ended = checkImportable(episode);
  if (!ended) throw noOutcome(episode);
  await tx.insertEpisode(episode);
  return learnAndStore(tx, ended, learn);
}

/** `findCandidates` from the single reads, in parallel. */
async function composeFind(port: StoragePort, query: CandidateQuery): Promise<CandidateHits> {
  const [lexical, similar, recent, toolCounts] = await Promise.all([
    query.text ? port.searchEpisodes(query.text) : [],
    query.vector ? port.searchVectors({ kind: 'episode', ...query.vector }) : [],
    query.recent ? port.recentEpisodeIds(query.recent) : [],
    query.toolCounts ? port.toolCounts(query.toolCounts) : [],
  ]);
  return { lexical, similar, recent, toolCounts };
}

/** `candidateFacts` from the single reads: whole candidates, reduced to what ranking reads. */
async function composeFacts(port: StoragePort, query: CandidateLoad): Promise<LoadedFacts> {
  const [loaded, usedTools, vectors] = await Promise.all([
    port.getEpisodes(query.ids),
    query.usedTools ? port.usedTools(query.ids) : new Map<string, string[]>(),
    query.vectorsOf
      ? port.getVectors({ kind: 'episode', provider: query.vectorsOf, ids: query.ids })
      : new Map<string, Float32Array>(),
  ]);
  const withEffectiveness = query.effectiveness !== false;
  const patterns = withEffectiveness
    ? await port.getPatterns([...new Set(loaded.flatMap((e) => e.patternIds))])
    : [];
  const effectiveness = new Map(patterns.map((p) => [p.id, p.effectiveness]));
  const episodes = loaded.map((e): CandidateFacts => {
    const values = e.patternIds.flatMap((id) => effectiveness.get(id) ?? []);
    return {
      id: e.id,
      domain: e.context.domain,
      ...(e.context.language === undefined ? {} : { language: e.context.language }),
      ...(e.context.framework === undefined ? {} : { framework: e.context.framework }),
      contextTags: e.context.tags,
      tags: e.tags,
      reward: e.reward?.total ?? null,
      at: Date.parse(e.endedAt ?? e.startedAt),
      ...(withEffectiveness
        ? {
            patternEffectiveness:
              values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length,
          }
        : {}),
    };
  });
  return { episodes, usedTools, vectors };
}

/** `loadChosen` from the single reads. */
async function composeChosen(
  port: StoragePort,
  query: { ids: readonly string[]; steps?: boolean },
): Promise<ChosenEpisodes> {
  const episodes = await port.getEpisodes(query.ids, { steps: query.steps ?? false });
  const [patterns, heuristics] = await Promise.all([
    port.getPatterns([...new Set(episodes.flatMap((e) => e.patternIds))]),
    port.getHeuristics([...new Set(episodes.flatMap((e) => e.heuristicIds))]),
  ]);
  return { episodes, patterns, heuristics };
}

/**
 * Learns from a finished episode inside the caller's transaction: lock what will be merged, read it, merge
 * (pure), write the episode, the patterns, the heuristics, the tool counts. Locks are taken in one sorted
 * order so that two completions never wait on each other in a circle.
 */
async function learnAndStore(
  tx: WriteTx,
  episode: Episode & { outcome: Outcome; endedAt: string },
  learn: Learn,
): Promise<LearningResult> {
  const plan = learn(episode);
  await tx.lockKeys([
    ...plan.patternKeys.map((k) => `pattern:${k}`),
    ...plan.heuristicTriggers.map((t) => `heuristic:${t}`),
  ]);
  const patterns = await tx.patternsByKeys(plan.patternKeys);
  const heuristics = await tx.heuristicsByTriggers(plan.heuristicTriggers);
  const result = plan.finish({ patterns, heuristics });
  await tx.finishEpisode(result.episode);
  await tx.upsertPatterns(result.patterns, new Map(patterns.map((p) => [p.id, p.description])));
  await tx.upsertHeuristics(result.heuristics);
  await tx.addToolCounts(toolCountDeltas([result.toolEvidence]));
  return result;
}

/**
 * The episode ids along a chain of `type` links from `start` to `goal`, or null: a breadth-first walk, one
 * read per level, each episode visited once, so it ends on any graph.
 */
async function pathBetween(
  tx: WriteTx,
  start: string,
  goal: string,
  type: LinkType,
): Promise<string[] | null> {
  const parent = new Map<string, string | null>([[start, null]]);
  let frontier = [start];
  while (frontier.length > 0 && !parent.has(goal)) {
    const next: string[] = [];
    for (const { from, to } of await tx.linksFrom(frontier, type)) {
      if (parent.has(to)) continue;
      parent.set(to, from);
      next.push(to);
    }
    frontier = next;
  }
  if (!parent.has(goal)) return null;
  const path: string[] = [];
  for (let at: string | null = goal; at !== null; at = parent.get(at) ?? null) path.unshift(at);
  return path;
}

/** The later of two ISO times, as `Date#toISOString` writes it (a caller's time may carry any offset). */
function latest(a: string, b: string): string {
  return new Date(Math.max(Date.parse(a), Date.parse(b))).toISOString();
}

function notFound(what: 'episode' | 'pattern', id: string): MemoryError {
  return new MemoryError('NOT_FOUND', `${what} ${id} does not exist`, { details: { [`${what}Id`]: id } });
}
