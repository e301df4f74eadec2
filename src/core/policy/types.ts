import type { PolicyRuleOf, PolicyType } from '../../shared/policy'
import type { AssetKind, Details } from '../types'

/** The slice of an inventory asset a policy looks at. */
export type PolicyAsset = Readonly<{
  id: string
  kind: AssetKind
  path: string
  name?: string
  format?: string
  source?: string
  details: Details
}>

/**
 * What the device says about its own settings. `hashing`: model files are hashed (the scan
 * setting, and the last scan did not run with `--no-hash`). `watcher`: the desktop app's
 * background watcher is on; undefined when no app has reported (a CLI-only device watches nothing).
 */
export type PolicyFacts = Readonly<{ hashing: boolean; watcher?: boolean }>

export type PolicyContext = Readonly<{
  /** Present assets of one kind. */
  assets(kind: AssetKind): Iterable<PolicyAsset>
  facts: PolicyFacts
  platform: NodeJS.Platform
  /** Permission bits (mode & 0o777) of a regular file, undefined when it cannot be read. */
  fileMode(path: string): number | undefined
}>

/** One violation: `subject` makes its finding key stable (an asset id, a file, a setting). */
export type PolicyHit = Readonly<{
  subject: string
  message: string
  path: string
  line?: number
  assetId?: string
}>

/**
 * One policy type: its rule id in the rule table, checks the schema cannot express, and the
 * evaluation itself. Adding a type is one schema in src/shared/policy.ts, one file here and one
 * registry line.
 */
export type PolicyEvaluator<T extends PolicyType> = Readonly<{
  type: T
  ruleId: string
  /** Why a schema-valid rule is still unusable (an unknown format name), or undefined. */
  explain?(rule: PolicyRuleOf<T>): string | undefined
  evaluate(rule: PolicyRuleOf<T>, ctx: PolicyContext): Iterable<PolicyHit>
}>
