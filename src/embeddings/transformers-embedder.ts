import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { MemoryError } from '../core/index.js';
import { chunk, lazyModel, serialQueue } from './lazy-model.js';
import { checkVectors, type EmbeddingProvider } from './provider.js';

/** Options of {@link createTransformersEmbedder}. */
export interface TransformersEmbedderOptions {
  /** A directory holding the model's files, or the id of a model already in the transformers.js cache. */
  model: string;
  /** Length of the model's vectors (384 for all-MiniLM-L6-v2, 768 for most base models). */
  dimensions: number;
  /** How token vectors become one text vector; `mean` by default. */
  pooling?: 'mean' | 'cls';
  /** Scale vectors to unit length; true by default. */
  normalize?: boolean;
}

/** The part of `@huggingface/transformers` this provider relies on (it is not a dependency). */
interface TransformersModule {
  env: { allowRemoteModels: boolean; localModelPath: string };
  pipeline(task: 'feature-extraction', model: string): Promise<FeatureExtractor>;
}
type FeatureExtractor = ((
  texts: string[],
  options: { pooling: 'mean' | 'cls'; normalize: boolean },
) => Promise<{ tolist(): number[][] }>) & { dispose?(): Promise<void> };

const PACKAGE = '@huggingface/transformers';
const BATCH_SIZE = 32;

/**
 * A provider running a model you bring (ONNX files in transformers.js layout) with `@huggingface/transformers`,
 * which you install yourself. Remote downloads are switched off: the model must already be on disk.
 *
 * @example
 * // npm install @huggingface/transformers (with onnxruntime-node-install=skip in .npmrc)
 * const provider = createTransformersEmbedder({ model: './models/all-MiniLM-L6-v2', dimensions: 384 });
 * const [vector] = await provider.embed(['fix the login test']);
 */
export function createTransformersEmbedder(options: TransformersEmbedderOptions): EmbeddingProvider {
  const pooling = options.pooling ?? 'mean';
  const normalize = options.normalize ?? true;
  const isPath = isAbsolute(options.model) || /^\.{1,2}[\\/]/.test(options.model);
  // transformers.js looks a model up as `<localModelPath>/<id>`, so a path splits into those two parts.
  const modelId = isPath ? basename(resolve(options.model)) : options.model;
  const modelRoot = isPath ? dirname(resolve(options.model)) : undefined;
  const extractor = lazyModel(() => loadExtractor(modelId, modelRoot));
  const enqueue = serialQueue();
  const provider: EmbeddingProvider = {
    id: `transformers:${modelId}:${pooling}${normalize ? '' : ':raw'}`,
    dimensions: options.dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      const extract = await extractor.get();
      const vectors: Float32Array[] = [];
      for (const batch of chunk(texts, BATCH_SIZE)) {
        const output = await enqueue(() => extract(batch, { pooling, normalize })).catch((error: unknown) => {
          throw new MemoryError('EMBEDDING_ERROR', `${modelId} failed to embed: ${reason(error)}`, {
            cause: error,
          });
        });
        for (const row of output.tolist()) vectors.push(Float32Array.from(row));
      }
      return checkVectors(provider, texts.length, vectors);
    },
    async close() {
      const extract = await extractor.reset()?.catch(() => undefined);
      await enqueue(async () => extract?.dispose?.());
    },
  };
  return provider;
}

async function loadExtractor(modelId: string, modelRoot: string | undefined): Promise<FeatureExtractor> {
  let transformers: TransformersModule;
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const name: string = PACKAGE;
    transformers = (await import(name)) as TransformersModule;
  } catch (error) {
    const message = isMissing(error)
      ? `install ${PACKAGE} (and set onnxruntime-node-install=skip in .npmrc) to use --embeddings transformers`
      : `could not load ${PACKAGE}: ${reason(error)}`;
    throw new MemoryError('EMBEDDING_ERROR', message, { cause: error });
  }
  transformers.env.allowRemoteModels = false;
  if (modelRoot !== undefined) transformers.env.localModelPath = modelRoot;
  try {
    return await transformers.pipeline('feature-extraction', modelId);
  } catch (error) {
    const where = modelRoot ?? 'the transformers.js cache';
    throw new MemoryError(
      'EMBEDDING_ERROR',
      `could not load the model ${modelId} from ${where} (remote downloads are off; put the model files there): ${reason(error)}`,
      { cause: error },
    );
  }
}

/** True when the package itself is absent (not when it is present but fails, e.g. without its runtime). */
function isMissing(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && reason(error).includes(PACKAGE);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
