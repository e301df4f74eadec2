import { findRule } from '../../rules'
import type { ModelFinding } from '../types'

/** Distinct findings kept per scanned stream; repeats are counted, not stored. */
const MAX_DISTINCT = 500
/**
 * Critical/high findings are kept past MAX_DISTINCT (up to this hard bound): thousands of benign
 * unknown imports must never push a `posix.system` call out of the report and the verdict.
 */
const MAX_SEVERE = 10_000

function isSevere(ruleId: string): boolean {
  const s = findRule(ruleId)?.severity
  return s === 'critical' || s === 'high'
}

type Entry = { f: ModelFinding; count: number }

/**
 * Collects findings, deduplicated by rule + callable (or message): a pickle that imports
 * `os.system` ten thousand times yields one finding that says so.
 */
export class FindingSink {
  private readonly byKey = new Map<string, Entry>()
  private dropped = 0

  constructor(private readonly member: string | undefined) {}

  add(ruleId: string, message: string, offset: number, callable?: string): void {
    const key = `${ruleId}|${callable ?? message}`
    const e = this.byKey.get(key)
    if (e) {
      e.count++
      return
    }
    if (this.byKey.size >= MAX_DISTINCT && (!isSevere(ruleId) || this.byKey.size >= MAX_SEVERE)) {
      this.dropped++
      return
    }
    const f: ModelFinding = { ruleId, message, offset, member: this.member, callable }
    this.byKey.set(key, { f, count: 1 })
  }

  has(ruleId: string): boolean {
    for (const e of this.byKey.values()) if (e.f.ruleId === ruleId) return true
    return false
  }

  list(): ModelFinding[] {
    const out: ModelFinding[] = []
    for (const { f, count } of this.byKey.values()) {
      out.push(count > 1 ? { ...f, message: `${f.message} (${count} occurrences)` } : f)
    }
    if (this.dropped > 0) {
      out.push({
        ruleId: 'pickle.resource-limit',
        // Analysed but not listed (only findings below high are dropped): not a gap in the scan.
        severity: 'medium',
        message: `${this.dropped} further distinct findings were not listed`,
        member: this.member,
      })
    }
    return out
  }
}
