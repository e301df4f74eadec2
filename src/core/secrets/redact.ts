import { createHmac } from 'node:crypto'

/**
 * Public, documented key prefixes (formats, not secrets). A prefix comes before every shorter
 * prefix of it, so `sk-proj-` wins over `sk-`. The redacted preview shows at most this prefix and
 * the last four characters.
 */
const KNOWN_PREFIXES = [
  'bedrock-api-key-',
  'github_pat_',
  'sb_secret_',
  'lin_oauth_',
  'lin_api_',
  'sk_live_',
  'rk_live_',
  'sk_test_',
  'rk_test_',
  'bb_live_',
  'bb_test_',
  'ATATT3',
  'glpat-',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxe-',
  'xoxo-',
  'xoxr-',
  'xoxs-',
  'xapp-',
  'ghp_',
  'ghs_',
  'ghr_',
  'ntn_',
  'sbp_',
  'BSA',
  'fc-',
  'sk-ant-admin01-',
  'sk-ant-api03-',
  'sk-ant-oat01-',
  'sk-ant-ort01-',
  'sk-svcacct-',
  'sk-service-',
  'sk-or-v1-',
  'sk-admin-',
  'api_org_',
  'sk-proj-',
  'lsv2_pt_',
  'lsv2_sk_',
  'tgp_v1_',
  'nvapi-',
  'sk-lf-',
  'pplx-',
  'pcsk_',
  'tvly-',
  'AIza',
  'ABSK',
  'AKIA',
  'ASIA',
  'gsk_',
  'xai-',
  'csk-',
  'ghu_',
  'gho_',
  'hf_',
  'r8_',
  'fw_',
  'pa-',
  'sk-',
  'sk_',
]

const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]{0,128}):[^@\s]*@([^/?#\s]+)/i

/**
 * Redacted preview: the documented prefix (never more than 16 characters) + `…` + the last four.
 * Values without a known prefix show only the last four; very short values only the last two, so
 * the preview never reveals more than a quarter of a value.
 */
export function redact(value: string): string {
  // A connection URL keeps its scheme, user and host (where it connects), never the password.
  const cred = URL_CREDENTIALS.exec(value)
  if (cred) return `${cred[1]}${cred[2]}:…@${cred[3]}`
  // A URL that is itself the secret (a webhook) shows its origin and the last four characters.
  const origin = /^https?:\/\/[^/?#\s]+/i.exec(value)?.[0]
  if (origin && value.length - origin.length >= 16) return `${origin}/…${value.slice(-4)}`
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p)) ?? ''
  const rest = value.length - prefix.length
  if (rest < 8) return `${prefix}…${value.slice(-Math.min(2, rest))}`
  if (rest < 16) return `${prefix}…${value.slice(-2)}`
  return `${prefix}…${value.slice(-4)}`
}

/** HMAC-SHA-256 (hex) of the value under the per-installation secret: stable, not reversible. */
export function fingerprint(value: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex')
}
