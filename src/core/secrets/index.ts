/**
 * Secrets engine: AI provider keys with provider attribution, decoy suppression, zero cleartext
 * (redacted preview + HMAC fingerprint only) and workstation posture checks.
 */
export type { SecretFileKind, SecretHit, SecretWhere } from './types'
export type { NamedValueOptions, PrivateKeyHit, SecretScanner } from './scanner'
export type { SecretsPass, SecretFileResult } from './pass'
export type { SecretRuleDef, SecretCharset, SecretRuleScope } from './rules'
export { secretFileKind, secretNameInterest } from './file-kind'
export { createSecretScanner, scanEnvironment } from './scanner'
export { createSecretsPass } from './pass'
export { secretAssetFromHit, secretAssetIdentity, secretFindingFromHit } from './hit-records'
export { redact, fingerprint } from './redact'
export { SECRET_RULE_DEFS } from './rules'
export {
  AGENT_CREDENTIAL_RULE_ID,
  AI_KEY_RULE_ID,
  IDENTITY_KEY_RULE_ID,
  scopeForKind,
} from './matcher'
export { isPlaceholderValue, isValueReference, looksSecretName } from './named-value'
export { parseGitIndex } from './git-index'
export { compileIgnore, isIgnored } from './gitignore'
export { redactKeysInText } from './redact-text'
export { scrubDetails, scrubText } from './scrub'
