import { createHmac } from 'node:crypto'

/**
 * Public, documented key prefixes (formats, not secrets), longest first so `sk-proj-` wins over
 * `sk-`. The redacted preview shows at most this prefix and the last four characters.
 */
const KNOWN_PREFIXES = [
  'bedrock-api-key-',
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

/**
 * Redacted preview: the documented prefix (never more than 16 characters) + `…` + the last four.
 * Values without a known prefix show only the last four; very short values only the last two, so
 * the preview never reveals more than a quarter of a value.
 */
export function redact(value: string): string {
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
