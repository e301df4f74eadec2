/**
 * The server's entry, for the shells that host it (the CLI's `aiscout server …` commands):
 * building and starting the app, opening its storage, and the storage operations the
 * subcommands run without a running server.
 */
export { buildApp, DEFAULT_LIMITS } from './app'
export type { AppContext, AppOptions, ServerLimits } from './app'
// For plugins (the dashboard, alerting): sign-in methods join app.fleetAuthenticators; routes
// guard themselves with requireRole and answer errors in the API's shape with HttpError.
export { requireRole, apiTokenAuthenticator } from './plugins/fleet-auth'
export type { Authenticator, Principal } from './plugins/fleet-auth'
export { HttpError } from './plugins/errors'
export { openStorage, StorageError, SQLITE_FILE } from './storage/open'
export type { Engine, Storage, StorageOptions } from './storage/open'
export { createEnrollSecret, listEnrollSecrets, revokeEnrollSecret } from './storage/enroll-secrets'
export { TeamNameError } from './storage/orgs'
export { createApiToken, ROLES } from './storage/api-tokens'
export type { Role } from './storage/api-tokens'
export { exportFleet, FLEET_EXPORT_FORMATS } from './export'
export type { FleetExportFormat, FleetExportSummary } from './export'
export { createUser, listUsers, UserError } from './storage/users'
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './auth/passwords'
export { dashboardPlugin, defaultDashboardDir } from './dashboard'
export type { DashboardPluginOptions } from './dashboard'
export { AlertsConfigError, parseAlertsConfig } from './alerts/config'
export type { AlertsConfig } from './alerts/config'
