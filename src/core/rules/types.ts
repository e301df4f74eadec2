import type { Severity } from '../types'

export const RULE_DOMAINS = [
  'engine',
  'model',
  'notebook',
  'secret',
  'discovery',
  'posture',
] as const
export type RuleDomain = (typeof RULE_DOMAINS)[number]

/** One row of the rule table: scanners, reports, SARIF and the UI all read these. */
export type Rule = Readonly<{
  /** Stable id, never derived from message text: `<domain-ish prefix>.<kebab-name>`. */
  id: string
  domain: RuleDomain
  /** Default severity; a finding may carry a different one (e.g. an unknown import is medium). */
  severity: Severity
  title: string
  /** Plain-words explanation of the risk. */
  why: string
  /** What the user should do about it. */
  fix: string
  /** CWE ids where one applies (used by CycloneDX vulnerabilities and SARIF tags). */
  cwe?: readonly number[]
  /** CVE / GHSA ids this rule covers. */
  advisories?: readonly string[]
}>
