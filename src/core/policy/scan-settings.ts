import type { PolicyEvaluator } from './types'

/** Required scan settings: model hashing on, the background watcher on. */
export const SCAN_SETTINGS_POLICY: PolicyEvaluator<'scan-settings'> = {
  type: 'scan-settings',
  ruleId: 'policy.scan-settings',
  *evaluate(rule, ctx) {
    if (rule.hashing && !ctx.facts.hashing)
      yield {
        subject: 'setting:hashing',
        path: 'settings:scan.hash',
        message:
          'model hashing is off on this device (the scan setting, or the last scan ran with --no-hash); the policy requires it',
      }
    if (rule.watcher && ctx.facts.watcher !== true)
      yield {
        subject: 'setting:watcher',
        path: 'settings:background.watcher',
        message:
          ctx.facts.watcher === false
            ? 'the background watcher is turned off in the desktop app; the policy requires it'
            : 'no background watcher runs on this device (the desktop app has not reported one); the policy requires it',
      }
  },
}
