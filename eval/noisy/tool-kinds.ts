/**
 * What each tool of the tau2 datasets does: looks something up, thinks or computes, prepares (verifies the
 * customer, unlocks or hands over a tool), writes (changes state), or hands the customer to a human.
 * Retail and banking each have an explicit table; banking's discoverable tools (the `target` of
 * `call_discoverable_*_tool`) are classed by a verb rule, since there are dozens of them.
 */
export const TOOL_KINDS = ['lookup', 'think', 'prep', 'write', 'handoff'] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

/** The datasets of the noisy benchmark; also the episodes' `context.domain`. */
export type Domain = 'retail' | 'banking';

const RETAIL: Readonly<Record<string, ToolKind>> = {
  find_user_id_by_name_zip: 'lookup',
  find_user_id_by_email: 'lookup',
  get_user_details: 'lookup',
  get_order_details: 'lookup',
  get_product_details: 'lookup',
  get_item_details: 'lookup',
  list_all_product_types: 'lookup',
  calculate: 'think',
  cancel_pending_order: 'write',
  exchange_delivered_order_items: 'write',
  return_delivered_order_items: 'write',
  modify_pending_order_items: 'write',
  modify_pending_order_address: 'write',
  modify_pending_order_payment: 'write',
  modify_user_address: 'write',
  transfer_to_human_agents: 'handoff',
};

const BANKING: Readonly<Record<string, ToolKind>> = {
  log_verification: 'prep',
  unlock_discoverable_agent_tool: 'prep',
  give_discoverable_user_tool: 'prep',
  get_referrals_by_user: 'lookup',
  get_credit_card_accounts_by_user: 'lookup',
  think: 'think',
  apply_for_credit_card: 'write',
  submit_referral: 'write',
  submit_transaction: 'write',
  change_user_email: 'write',
  transfer_to_human_agents: 'handoff',
  request_human_agent_transfer: 'handoff',
};

/**
 * The verb rule for discoverable targets (`update_transaction_rewards_3847`): `get_`, `find_`, `list_`,
 * `check_`, `search_`, `calculate`, `think` look up; a name that speaks of a human agent or an incident
 * transfer hands off; everything else changes state.
 *
 * @example
 * discoverableKind('get_bank_account_transactions_9173'); // 'lookup'
 * discoverableKind('initial_transfer_to_human_agent_0218'); // 'handoff'
 * discoverableKind('freeze_debit_card_3892'); // 'write'
 */
export function discoverableKind(target: string): ToolKind {
  if (/^(get|find|list|check|search)_/.test(target)) return 'lookup';
  if (/^(calculate|think)/.test(target)) return 'lookup';
  if (/human_agent|incident_transfer/.test(target)) return 'handoff';
  return 'write';
}

/**
 * The kind of a tool of a domain: its entry in the domain's table, else (banking) the verb rule.
 * A retail tool missing from the table is an error: the table is meant to be complete.
 *
 * @example
 * toolKind('retail', 'get_order_details'); // 'lookup'
 */
export function toolKind(domain: Domain, tool: string): ToolKind {
  const known = (domain === 'retail' ? RETAIL : BANKING)[tool];
  if (known) return known;
  if (domain === 'banking') return discoverableKind(tool);
  throw new Error(`retail tool ${tool} is not classified; add it to RETAIL in eval/noisy/tool-kinds.ts`);
}

/** The tool each domain hands a customer to a human with, and the one it thinks or computes with. */
export const DOMAIN_TOOLS: Readonly<Record<Domain, { handoff: string; think: string }>> = {
  retail: { handoff: 'transfer_to_human_agents', think: 'calculate' },
  banking: { handoff: 'transfer_to_human_agents', think: 'think' },
};
