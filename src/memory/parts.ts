import {
  type Clock,
  checkNamespace,
  cryptoRandom,
  DEFAULT_LIMITS,
  type Learn,
  type MemoryLimits,
  systemClock,
  uuidV7Generator,
} from '../core/index.js';
import { createEmbeddingProvider, type EmbeddingProvider } from '../embeddings/index.js';
import { DEFAULT_PLAYBOOK_SETTINGS, DEFAULT_REWARD_WEIGHTS, planLearning } from '../learning/index.js';
import { resolveRetrievalSettings, VectorIndexer } from '../retrieval/index.js';
import { openStorage, type StorageBackend } from '../storage/index.js';
import { CachedRetriever } from './cached-retriever.js';
import { defaultDbPath, defaultNamespace, type MemoryOptions } from './options.js';
import { checkMemoryOptions } from './options-schema.js';
import { Readers, readerConfig } from './readers.js';
import { TunedSettings } from './tuning.js';

/** What a memory is made of, every default filled: built once by `openParts`, owned by the facade. */
export interface MemoryParts {
  storage: StorageBackend;
  clock: Clock;
  newId: () => string;
  limits: MemoryLimits;
  learn: Learn;
  /** The options' retrieval and playbook settings, with the namespace's tuning where they say nothing. */
  tuned: TunedSettings;
  log: (message: string) => void;
  /** The embedding provider as configured; absent when embeddings are off. */
  provider: EmbeddingProvider | undefined;
  /** Embeds what is written, in the background; absent when embeddings are off. */
  indexer: VectorIndexer | undefined;
  retriever: CachedRetriever;
  /** Worker threads that answer the calls that rank; absent when they run on the calling thread. */
  readers: Readers | undefined;
}

/**
 * Checks the options, opens (and creates or migrates) the store and builds the parts around it. A `reader` (a
 * reader thread's parts) never writes, so it has no background embedding of its own.
 */
export async function openParts(
  input: MemoryOptions,
  role: 'owner' | 'reader' = 'owner',
): Promise<MemoryParts> {
  // The namespace first: its own message repeats the value given, which the options check does not.
  const asked = (input as { namespace?: unknown } | null)?.namespace;
  if (asked !== undefined) checkNamespace(asked, 'namespace');
  const options = checkMemoryOptions(input);
  const namespace = checkNamespace(options.namespace ?? defaultNamespace(), 'namespace');
  const db = options.db ?? defaultDbPath();
  // Checked before the store opens: a refusal leaves nothing behind.
  const readers = options.readers ? readerConfig(options, db, namespace) : undefined;
  const storage =
    options.storage ??
    (await openStorage(db, {
      namespace,
      sqlite: {
        ...pick(options, ['durability', 'vectorIndex', 'readOnly']),
        ...options.sqlite,
      },
      ...(options.postgres ? { postgres: options.postgres } : {}),
    }));
  const parts = buildParts(storage, options, role);
  if (readers && options.readers) parts.readers = new Readers(readers, options.readers, parts.log);
  return parts;
}

/**
 * Loads the in-memory search index of the stored vectors (see `SelfLearningMemory.warm`): the readers' when there
 * are readers, else this thread's.
 */
export async function warmParts(parts: MemoryParts): Promise<{ vectors: number }> {
  const { storage, provider, readers } = parts;
  if (readers) return readers.warm();
  if (!provider) return { vectors: 0 };
  return {
    vectors: (await storage.warmVectors?.({ provider: provider.id, dims: provider.dimensions })) ?? 0,
  };
}

function buildParts(storage: StorageBackend, options: MemoryOptions, role: 'owner' | 'reader'): MemoryParts {
  const clock = options.clock ?? systemClock;
  const rewardWeights = { ...DEFAULT_REWARD_WEIGHTS, ...options.rewardWeights };
  const namespace = storage.namespace;
  const log = options.log ?? ((message: string) => process.stderr.write(`slmem: ${message}\n`));
  const embeddings = options.embeddings ?? createEmbeddingProvider();
  const provider =
    embeddings === false
      ? undefined
      : 'embed' in embeddings
        ? embeddings
        : createEmbeddingProvider(embeddings);
  const indexer = provider && role === 'owner' ? new VectorIndexer({ storage, provider, log }) : undefined;
  const tuned = tunedSettings(storage, options);
  return {
    storage,
    clock,
    newId: uuidV7Generator(clock, options.random ?? cryptoRandom),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    learn: (episode) => planLearning(episode, { rewardWeights, namespace }),
    tuned,
    log,
    provider,
    indexer,
    retriever: new CachedRetriever({
      storage,
      provider,
      indexer,
      tuned,
      clock,
      log,
      queryCache: options.queryCache,
    }),
    readers: undefined,
  };
}

/** The options' settings, and which of them the caller set (those the tuning never overrides). */
function tunedSettings(storage: StorageBackend, options: MemoryOptions): TunedSettings {
  return new TunedSettings({
    storage,
    base: {
      retrieval: resolveRetrievalSettings(options.retrieval),
      playbook: { ...DEFAULT_PLAYBOOK_SETTINGS, ...options.playbook },
    },
    pinned: {
      retrieval: new Set(Object.keys(options.retrieval ?? {})),
      playbook: new Set(Object.keys(options.playbook ?? {})),
    },
    enabled: options.tuning !== false,
  });
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}
