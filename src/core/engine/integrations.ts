/**
 * The engine's links to the secrets engine and to env resolution, kept in one place.
 */
export {
  createSecretScanner,
  createSecretsPass,
  scanEnvironment,
  secretAssetFromHit,
  secretFileKind,
} from '../secrets'
export type { SecretFileKind, SecretScanner, SecretsPass } from '../secrets'
