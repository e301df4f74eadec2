import type { PolicyType } from '../../shared/policy'
import { KEY_FILE_MODE_POLICY } from './key-file-mode'
import { MCP_RUNNER_POLICY } from './mcp-runner'
import { MODEL_FORMAT_POLICY } from './model-format'
import { MODEL_SOURCE_POLICY } from './model-source'
import { SCAN_SETTINGS_POLICY } from './scan-settings'
import type { PolicyEvaluator } from './types'
import { UNPINNED_PACKAGE_POLICY } from './unpinned-package'

/** Every policy type's evaluator, one line each, in the order of POLICY_RULES. */
export const POLICY_EVALUATORS: { readonly [K in PolicyType]: PolicyEvaluator<K> } = {
  'model-format': MODEL_FORMAT_POLICY,
  'model-source': MODEL_SOURCE_POLICY,
  'scan-settings': SCAN_SETTINGS_POLICY,
  'mcp-runner': MCP_RUNNER_POLICY,
  'unpinned-package': UNPINNED_PACKAGE_POLICY,
  'key-file-mode': KEY_FILE_MODE_POLICY,
}
