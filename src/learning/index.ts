export type { Calibration } from './calibration.js';
export { calibrate, fitCalibration } from './calibration.js';
export type { Neighbour } from './consensus.js';
export type { EndedEpisode } from './episode-utils.js';
export { stableStringify } from './episode-utils.js';
export { classifyError, stepErrorClass } from './error-class.js';
export { applyFeedback, feedbackEffectiveness } from './feedback.js';
export type { Handoff, HandoffInput } from './handoff.js';
export { buildHandoff } from './handoff.js';
export {
  deriveHeuristics,
  heuristicTrigger,
  heuristicTriggers,
  mergeHeuristics,
  voteOnHeuristic,
} from './heuristics.js';
export type { LearningOptions } from './learn.js';
export { planLearning } from './learn.js';
export { extractContextPattern } from './patterns/context-pattern.js';
export { extractDecisionPoints, isDecisionStep } from './patterns/decision-point.js';
export { extractErrorRecoveries } from './patterns/error-recovery.js';
export { extractPatterns } from './patterns/extract.js';
export { mergeAll, mergePatterns } from './patterns/merge.js';
export { extractToolSequences } from './patterns/tool-sequence.js';
export type { Playbook, PlaybookInput, PlaybookSettings, PlaybookStep } from './playbook.js';
export { buildPlaybook, DEFAULT_PLAYBOOK_SETTINGS } from './playbook.js';
export { reflectOnEpisode } from './reflection.js';
export type { RewardWeights, StepBudget } from './reward.js';
export { DEFAULT_REWARD_WEIGHTS, scoreEpisode } from './reward.js';
export { abstractParams, slotOf, stepSignature, workedSteps } from './step-signature.js';
export { summarizeEpisode } from './summary.js';
export type { ToolModel, ToolPrediction } from './tool-model.js';
export {
  ANY_FEATURE,
  predictionMatch,
  predictTools,
  taskFeatures,
  toolEvidenceOf,
  usedTools,
} from './tool-model.js';
