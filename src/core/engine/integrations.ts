/**
 * The engine's links to the secrets engine and to env resolution, kept in one place.
 */
export {
  createSecretScanner,
  createSecretsPass,
  scanEnvironment,
  secretAssetFromHit,
  secretFileKind,
  secretNameInterest,
} from '../secrets'
export type { SecretFileKind, SecretScanner, SecretsPass } from '../secrets'
