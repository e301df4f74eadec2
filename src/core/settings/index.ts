export {
  SETTINGS_SECTIONS,
  SETTINGS_SECTION_IDS,
  ScanSettingsSchema,
  ProbeSettingsSchema,
} from '../../shared/settings'
export type {
  Settings,
  SettingsSectionId,
  ScanSettings,
  ProbeSettings,
} from '../../shared/settings'
export {
  readSettings,
  writeSettingsSection,
  explainSettings,
  isSettingsSection,
  SettingsError,
} from './store'
export { scanOptionsFromSettings } from './scan-options'
export type { RunOverrides, SettingsScanOptions } from './scan-options'
