import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkNamespace, DEFAULT_NAMESPACE, type Link, MemoryError, redactUrl } from '../core/index.js';
import { openStorage, parseDb, type StorageBackend } from '../storage/index.js';

export interface MigrateOptions {
  /** The store to copy from: a file path or `file:` URL (opened read-only), or a `postgres://` URL. */
  from: string;
  /** The store to copy into, created or migrated as needed; the namespaces copied must be empty there. */
  to: string;
  /** The namespaces to copy; default every namespace of `from`. */
  namespaces?: readonly string[];
  /** Records per transaction (default 200). */
  batchSize?: number;
  /** Records of the namespace being copied (episodes, patterns, heuristics, feedback) done out of its total. */
  onProgress?: (progress: { namespace: string; done: number; total: number }) => void;
}

/** What one namespace holds, the same in both stores once copied. */
export interface MigratedNamespace {
  namespace: string;
  episodes: number;
  completedEpisodes: number;
  steps: number;
  patterns: number;
  heuristics: number;
  feedback: number;
  checkpoints: number;
  links: number;
}

export interface MigrateReport {
  /** Both stores as given, passwords hidden. */
  from: string;
  to: string;
  namespaces: MigratedNamespace[];
}

/** The counts `stats()` gives that must come out the same on both sides (feedback is counted apart). */
const VERIFIED = ['episodes', 'completedEpisodes', 'steps', 'patterns', 'heuristics'] as const;
/** A limit meaning "all" that every backend binds as an integer. */
const ALL = 2_147_483_647;

/**
 * Copies a memory from one store into another (a file into PostgreSQL, back, or file to file) as it is stored:
 * episodes with their steps, rewards, reflections and summaries, patterns and heuristics with their ids and
 * counts, feedback, checkpoints and links. Nothing is learned again. Tool counts are recomputed from the
 * episodes copied (those of episodes pruned from the source are not carried over), and vectors are not copied:
 * reindex each namespace of the target afterwards (`memory.reindex()`, `slmem reindex`).
 *
 * Every namespace copied must be empty in the target (CONFLICT otherwise, before anything is written). Each
 * namespace is verified at the end: its counts must match the source's, or STORAGE_ERROR names the ones that
 * differ (the source was written meanwhile, or the copy is incomplete). Stop the source's writers first.
 *
 * @example
 * const { namespaces } = await migrateMemory({ from: './memory.db', to: 'postgres://slmem@db.internal/slmem' });
 */
export async function migrateMemory(options: MigrateOptions): Promise<MigrateReport> {
  const batchSize = options.batchSize ?? 200;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MemoryError('INVALID_INPUT', `batch size must be a positive integer, got ${batchSize}`);
  }
  checkStores(options.from, options.to);
  const names = await namespacesToCopy(options.from, options.namespaces);
  for (const namespace of names) await checkEmpty(options.to, namespace);
  const report: MigrateReport = {
    from: redactUrl(options.from),
    to: redactUrl(options.to),
    namespaces: [],
  };
  for (const namespace of names) {
    const source = await openSource(options.from, namespace);
    try {
      const target = await openStorage(options.to, { namespace });
      try {
        const progress = (done: number, total: number) => options.onProgress?.({ namespace, done, total });
        const copied = await copyNamespace(source, target, batchSize, progress);
        report.namespaces.push(await verify(source, target, copied, report));
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  }
  return report;
}

/** Refuses a source that does not exist (opening it would create an empty one) and a copy onto itself. */
function checkStores(from: string, to: string): void {
  const fromFile = filePath(from);
  if (fromFile === ':memory:')
    throw new MemoryError('INVALID_INPUT', 'cannot migrate from an in-memory database');
  if (fromFile !== undefined && !existsSync(fromFile)) {
    throw new MemoryError('NOT_FOUND', `no memory at ${fromFile} to migrate from; check --from`, {
      details: { field: 'from' },
    });
  }
  const toFile = filePath(to);
  const same =
    fromFile !== undefined && toFile !== undefined ? resolve(fromFile) === resolve(toFile) : from === to;
  if (same)
    throw new MemoryError('INVALID_INPUT', `--from and --to name the same store (${redactUrl(from)})`);
}

/** The file a SQLite `db` value names (without creating its folder), or undefined for a server URL. */
function filePath(db: string): string | undefined {
  const location = parseDb(db);
  return location.kind === 'sqlite' ? location.path : undefined;
}

function openSource(from: string, namespace: string): Promise<StorageBackend> {
  return openStorage(from, { namespace, sqlite: { readOnly: true } });
}

async function namespacesToCopy(from: string, asked: readonly string[] | undefined): Promise<string[]> {
  const probe = await openSource(from, DEFAULT_NAMESPACE);
  let held: string[];
  try {
    held = await probe.namespaces();
  } finally {
    await probe.close();
  }
  if (asked === undefined || asked.length === 0) return held;
  const names = [...new Set(asked.map((n) => checkNamespace(n, 'namespace')))];
  const missing = names.filter((n) => !held.includes(n));
  if (missing.length > 0) {
    throw new MemoryError(
      'NOT_FOUND',
      `${redactUrl(from)} holds nothing in namespace ${missing.join(', ')}; it holds ${held.join(', ') || 'nothing'}`,
      { details: { namespaces: missing } },
    );
  }
  return names;
}

async function checkEmpty(to: string, namespace: string): Promise<void> {
  const target = await openStorage(to, { namespace });
  try {
    const { episodes, patterns, heuristics } = await target.stats();
    if (episodes + patterns + heuristics > 0) {
      throw new MemoryError(
        'CONFLICT',
        `namespace "${namespace}" of ${redactUrl(to)} already holds episodes (${episodes}), patterns (${patterns}) or heuristics (${heuristics}); migrate copies into empty namespaces only`,
        { details: { namespace } },
      );
    }
  } finally {
    await target.close();
  }
}

/** Episodes page by page with their checkpoints and links, then patterns, heuristics and feedback. */
async function copyNamespace(
  source: StorageBackend,
  target: StorageBackend,
  batchSize: number,
  progress: (done: number, total: number) => void,
): Promise<{ checkpoints: number; links: number }> {
  const stats = await source.stats();
  const feedback = await source.listFeedback({ limit: ALL });
  const total = stats.episodes + stats.patterns + stats.heuristics + feedback.length;
  let done = 0;
  const step = (count: number) => {
    done += count;
    progress(done, total);
  };
  const copied = { checkpoints: 0, links: 0 };
  const stored = new Set<string>();
  const linked = new Set<string>();
  for (let offset = 0; ; offset += batchSize) {
    const page = await source.listEpisodes({ order: 'oldest', limit: batchSize, offset });
    const episodes = await source.getEpisodes(
      page.map((e) => e.id),
      { steps: true },
    );
    for (const e of episodes) stored.add(e.id);
    const checkpoints = (await Promise.all(episodes.map((e) => source.listCheckpoints(e.id)))).flat();
    // A link is listed with both its episodes: it is written once both are stored, the first time it is seen.
    const links = (await Promise.all(episodes.map((e) => source.listLinks(e.id)))).flat().filter((link) => {
      const key = linkKey(link);
      if (linked.has(key) || !stored.has(link.from) || !stored.has(link.to)) return false;
      linked.add(key);
      return true;
    });
    if (episodes.length > 0) await target.load({ episodes, checkpoints, links });
    copied.checkpoints += checkpoints.length;
    copied.links += links.length;
    step(episodes.length);
    if (page.length < batchSize) break;
  }
  for (let offset = 0; ; offset += batchSize) {
    const patterns = await source.listPatterns({ limit: batchSize, offset });
    if (patterns.length > 0) await target.load({ patterns });
    step(patterns.length);
    if (patterns.length < batchSize) break;
  }
  const heuristics = await source.listHeuristics({ limit: ALL });
  for (let i = 0; i < heuristics.length; i += batchSize) {
    await target.load({ heuristics: heuristics.slice(i, i + batchSize) });
    step(Math.min(batchSize, heuristics.length - i));
  }
  for (let i = 0; i < feedback.length; i += batchSize) {
    await target.load({ feedback: feedback.slice(i, i + batchSize) });
    step(Math.min(batchSize, feedback.length - i));
  }
  return copied;
}

function linkKey(link: Link): string {
  return JSON.stringify([link.from, link.to, link.type]);
}

/** The namespace's counts on both sides, which must be equal; STORAGE_ERROR naming the ones that differ. */
async function verify(
  source: StorageBackend,
  target: StorageBackend,
  copied: { checkpoints: number; links: number },
  report: MigrateReport,
): Promise<MigratedNamespace> {
  const [before, after, feedbackBefore, feedbackAfter] = await Promise.all([
    source.stats(),
    target.stats(),
    source.listFeedback({ limit: ALL }),
    target.listFeedback({ limit: ALL }),
  ]);
  const differ = VERIFIED.filter((k) => before[k] !== after[k]).map(
    (k) => `${k} ${before[k]} in the source, ${after[k]} in the target`,
  );
  if (feedbackBefore.length !== feedbackAfter.length) {
    differ.push(`feedback ${feedbackBefore.length} in the source, ${feedbackAfter.length} in the target`);
  }
  if (differ.length > 0) {
    throw new MemoryError(
      'STORAGE_ERROR',
      `namespace "${source.namespace}" copied from ${report.from} to ${report.to} does not match: ${differ.join('; ')}. Was the source written meanwhile? Stop its writers and migrate again into an empty target.`,
      { details: { namespace: source.namespace, differ } },
    );
  }
  const { episodes, completedEpisodes, steps, patterns, heuristics } = after;
  const feedback = feedbackAfter.length;
  const counts = { episodes, completedEpisodes, steps, patterns, heuristics, feedback };
  return { namespace: source.namespace, ...counts, ...copied };
}
