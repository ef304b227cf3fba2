export type { TauAction, TauSplit, TauTask } from './tau-retail.js';
export {
  describeAction,
  deterministicUuid,
  loadTauRetail,
  TAU_ORDER_ACTIONS,
  TAU_RETAIL_URL,
  TAU_SPLITS,
  TauActionSchema,
  TauTaskSchema,
  tauTaskToRecord,
  usesOnlyOrderActions,
} from './tau-retail.js';
