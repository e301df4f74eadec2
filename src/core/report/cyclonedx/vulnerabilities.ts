import * as CDX from '@cyclonedx/cyclonedx-library'
import type { AcceptedRisk } from '../../inventory'
import type { Finding, Severity } from '../../types'
import { TOOL_NAME, ruleText } from '../common'
import { NS } from './components'

type Json = Record<string, unknown>

function cdxSeverity(s: Severity): CDX.Enums.Vulnerability.Severity {
  const S = CDX.Enums.Vulnerability.Severity
  switch (s) {
    case 'critical':
      return S.Critical
    case 'high':
      return S.High
    case 'medium':
      return S.Medium
    case 'low':
      return S.Low
    case 'info':
      return S.Info
  }
}

function advisoryUrl(id: string): string | undefined {
  if (/^CVE-\d{4}-\d+$/i.test(id)) return `https://nvd.nist.gov/vuln/detail/${id.toUpperCase()}`
  if (/^GHSA(-[0-9a-z]{4}){3}$/i.test(id)) return `https://github.com/advisories/${id}`
  return undefined
}

/**
 * A finding as a 1.6 vulnerability: id = rule id, our tool as source, rating with the finding's
 * severity, CWEs and advisories from the rule table, why/fix as detail/recommendation, and
 * `affects[].ref` = the asset's bom-ref (the host device when the finding has no asset). A finding
 * whose risk a user accepted gets a VEX analysis: exploitable, response will_not_fix, the user's
 * note as detail, and who/when/until as properties.
 */
export function findingVulnerability(
  f: Finding,
  affectsRef: string,
  factory: CDX.Serialize.JSON.Normalize.Factory,
  accepted?: AcceptedRisk,
): Json {
  const r = ruleText(f.ruleId, f)
  const V = CDX.Models.Vulnerability
  const source = new V.Source({ name: TOOL_NAME })
  const v = new V.Vulnerability({
    bomRef: `finding:${f.id}`,
    id: f.ruleId,
    source,
    description: `${f.title}: ${f.message}`,
    detail: r.why,
    recommendation: r.fix,
  })
  v.ratings.add(
    new V.Rating({
      severity: cdxSeverity(f.severity),
      method: CDX.Enums.Vulnerability.RatingMethod.Other,
      source,
    }),
  )
  for (const c of r.cwe) v.cwes.add(c)
  for (const id of r.advisories) {
    const url = advisoryUrl(id)
    if (url) v.advisories.add(new V.Advisory(url, { title: id }))
  }
  v.affects.add(new V.Affect(new CDX.Models.BomRef(affectsRef)))
  const prop = (k: string, val: string | number | undefined): void => {
    if (val !== undefined)
      v.properties.add(new CDX.Models.Property(`${NS}:finding:${k}`, String(val)))
  }
  prop('id', f.id)
  prop('path', f.path)
  prop('line', f.line)
  prop('member', f.member)
  prop('offset', f.offset)
  prop('callable', f.callable)
  if (accepted) {
    v.analysis = new V.Analysis({
      state: CDX.Enums.Vulnerability.AnalysisState.Exploitable,
      detail: accepted.note,
    })
    v.analysis.response.add(CDX.Enums.Vulnerability.AnalysisResponse.WillNotFix)
    prop('accepted_by', accepted.acceptedBy)
    prop('accepted_at', accepted.acceptedAt)
    prop('accepted_until', accepted.expiresAt)
  }
  return factory.makeForVulnerability().normalize(v, { sortLists: false }) as unknown as Json
}
