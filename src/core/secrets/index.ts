/**
 * Secrets engine: AI provider keys with provider attribution, decoy suppression, zero cleartext
 * (redacted preview + HMAC fingerprint only) and workstation posture checks.
 */
export type { SecretFileKind, SecretHit, SecretWhere } from './types'
export type { SecretScanner } from './scanner'
export type { SecretsPass, SecretFileResult } from './pass'
export type { SecretRuleDef, SecretCharset } from './rules'
export { secretFileKind } from './file-kind'
export { createSecretScanner, scanEnvironment } from './scanner'
export { createSecretsPass } from './pass'
export { secretAssetFromHit, secretAssetIdentity, secretFindingFromHit } from './hit-records'
export { redact, fingerprint } from './redact'
export { SECRET_RULE_DEFS } from './rules'
export { AI_KEY_RULE_ID } from './matcher'
export { parseGitIndex } from './git-index'
export { compileIgnore, isIgnored } from './gitignore'
