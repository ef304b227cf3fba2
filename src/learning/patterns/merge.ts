import {
  MemoryError,
  type Pattern,
  type PatternContext,
  type PatternData,
  type ToolStep,
} from '../../core/index.js';
import { compareIso, compareText, mergeEvidence, minText } from '../episode-utils.js';
import { feedbackEffectiveness } from '../feedback.js';
import { describePattern } from './observation.js';

/**
 * Merges two sightings of the same pattern (same key). Commutative and associative, so the stored pattern
 * does not depend on the order episodes arrive in: counts, latency and feedback add, rates are recomputed,
 * evidence is the union (most recent 50), first/last seen widen, and each field that could differ is chosen by a
 * deterministic rule (lexicographically smaller action, context fields both agree on, shared tags).
 *
 * @example
 * const merged = mergePatterns(stored, observation); // merged.occurrences === stored.occurrences + 1
 */
export function mergePatterns(a: Pattern, b: Pattern): Pattern {
  if (a.key !== b.key) {
    throw new MemoryError(
      'INVALID_INPUT',
      `cannot merge patterns with different keys: ${a.key} and ${b.key}`,
    );
  }
  const occurrences = a.occurrences + b.occurrences;
  const successCount = a.successCount + b.successCount;
  // Saturates: a sum that reached Infinity would be stored as JSON null and poison every later read.
  const totalLatencyMs = saturate(a.totalLatencyMs + b.totalLatencyMs);
  const successRate = occurrences > 0 ? successCount / occurrences : 0;
  const feedbackApplied = a.feedbackApplied + b.feedbackApplied;
  const feedbackHelped = a.feedbackHelped + b.feedbackHelped;
  const data = mergeData(a.data, b.data);
  const context = mergeContext(a.context, b.context);
  return {
    id: minText(a.id, b.id),
    key: a.key,
    type: a.type,
    description: describePattern(data, context),
    context,
    data,
    occurrences,
    successCount,
    successRate,
    totalLatencyMs,
    avgLatencyMs: occurrences > 0 ? totalLatencyMs / occurrences : 0,
    evidence: mergeEvidence(a.evidence, b.evidence),
    // Feedback, once there is any, decides alone: it sums, so the result stays order-independent.
    effectiveness:
      feedbackApplied > 0
        ? feedbackEffectiveness(feedbackApplied, feedbackHelped)
        : occurrences > 0
          ? (a.effectiveness * a.occurrences + b.effectiveness * b.occurrences) / occurrences
          : 0.5,
    feedbackApplied,
    feedbackHelped,
    firstSeen: compareIso(a.firstSeen, b.firstSeen) <= 0 ? a.firstSeen : b.firstSeen,
    lastSeen: compareIso(a.lastSeen, b.lastSeen) >= 0 ? a.lastSeen : b.lastSeen,
  };
}

/**
 * Merges a list of observations and stored patterns into one pattern per key, sorted by key. The result
 * does not depend on the order of the input.
 */
export function mergeAll(patterns: readonly Pattern[]): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (const pattern of patterns) {
    const seen = byKey.get(pattern.key);
    byKey.set(pattern.key, seen ? mergePatterns(seen, pattern) : pattern);
  }
  return [...byKey.values()].sort((x, y) => compareText(x.key, y.key));
}

function saturate(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}

function mergeAction(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return minText(a, b);
}

function mergeStep(a: ToolStep, b: ToolStep | undefined): ToolStep {
  return b ? { tool: minText(a.tool, b.tool), action: mergeAction(a.action, b.action) } : a;
}

function mergeSteps(a: readonly ToolStep[], b: readonly ToolStep[]): ToolStep[] {
  return a.map((step, i) => mergeStep(step, b[i]));
}

function mergeData(a: PatternData, b: PatternData): PatternData {
  switch (a.type) {
    case 'tool_sequence':
      return b.type === a.type ? { ...a, steps: mergeSteps(a.steps, b.steps) } : a;
    case 'decision_point': {
      if (b.type !== a.type) return a;
      const next = mergeSteps(a.next, b.next);
      return { ...a, check: mergeStep(a.check, b.check), next };
    }
    case 'error_recovery':
      return b.type === a.type
        ? { ...a, failed: mergeStep(a.failed, b.failed), recovery: mergeSteps(a.recovery, b.recovery) }
        : a;
    case 'context_pattern':
      return a;
  }
}

function mergeContext(a: PatternContext, b: PatternContext): PatternContext {
  const bTags = new Set(b.tags);
  const tags = [...new Set(a.tags.filter((t) => bTags.has(t)))].sort(compareText);
  return {
    domain: minText(a.domain, b.domain),
    taskType: minText(a.taskType, b.taskType),
    ...(a.language !== undefined && a.language === b.language ? { language: a.language } : {}),
    ...(a.framework !== undefined && a.framework === b.framework ? { framework: a.framework } : {}),
    tags,
  };
}
