/**
 * Channel names of the IPC contract and the preload method bound to each (see ipc.ts for the
 * argument schemas and result types). Kept free of imports so the sandboxed preload bundle can
 * use it without pulling in the schema library.
 *
 * Channels are `noun:verb`. Adding a channel: one line here, one schema in IPC_ARGS (ipc.ts),
 * one result type in IpcResults, one handler in src/main/handlers.ts; the preload and the
 * browser-test shim pick it up from this table.
 */
export const INVOKE_METHODS = {
  'app:info': 'getAppInfo',
  'app:diagnostics': 'getDiagnostics',
  'overview:get': 'getOverview',
  'overview:seen': 'markOverviewSeen',
  'scan:start': 'startScan',
  'scan:cancel': 'cancelScan',
  'scan:state': 'getScanState',
  'assets:list': 'listAssets',
  'assets:get': 'getAsset',
  'findings:groups': 'getFindingGroups',
  'findings:list': 'listFindings',
  'findings:get': 'getFinding',
  'risk:accept': 'acceptRisk',
  'risk:reopen': 'reopenRisk',
  'model:report': 'getModelReport',
  'history:list': 'listScans',
  'settings:get': 'getSettings',
  'settings:update': 'updateSettings',
  'settings:pick-folder': 'pickFolder',
  'inventory:clear': 'clearInventory',
  'export:save': 'exportReport',
  'shell:reveal': 'revealInFolder',
  'shell:open-external': 'openExternal',
  'clipboard:write': 'copyText',
  'status:get': 'getStatus',
  'settings:background': 'getBackgroundSettings',
  'settings:set-background': 'setBackgroundSettings',
  'watcher:status': 'getWatcherStatus',
  'watcher:pause': 'pauseWatcher',
  'watcher:resume': 'resumeWatcher',
  'sync:status': 'getSyncStatus',
  'sync:enroll': 'enrollSync',
  'sync:now': 'syncNow',
  'sync:disconnect': 'disconnectSync',
  'sync:preview': 'previewSync',
} as const

/** Main → renderer pushes and the preload method that subscribes to each. */
export const EVENT_METHODS = {
  'scan:progress': 'onScanProgress',
  'scan:state': 'onScanState',
  'inventory:changed': 'onInventoryChanged',
  'status:changed': 'onStatus',
  'app:command': 'onCommand',
  'watcher:status': 'onWatcherStatus',
  'app:open': 'onOpen',
  'sync:status': 'onSyncStatus',
} as const

export type InvokeChannel = keyof typeof INVOKE_METHODS
export type EventChannel = keyof typeof EVENT_METHODS
export const INVOKE_CHANNELS = Object.keys(INVOKE_METHODS) as InvokeChannel[]
export const EVENT_CHANNELS = Object.keys(EVENT_METHODS) as EventChannel[]
