import type { Locator } from '../types'
import { createComputeLocator } from './compute/compute'
import { PLATFORM_LOCATORS } from './platforms/index'
import { PYTHON_LOCATORS } from './python/locators'
import { createModelServerLocator } from './servers/model-servers'

/**
 * Packages, environments, AI platforms, compute and model servers, in probe order. The compute
 * locator probes toolkit files only when the scanned home is the real one; the model-server
 * locator sends no traffic (the loopback identification request is opt-in through
 * `createModelServerLocator({ identifyOverLoopback: true })`).
 */
export const SYSTEM_LOCATORS: readonly Locator[] = [
  ...PYTHON_LOCATORS,
  ...PLATFORM_LOCATORS,
  createComputeLocator(),
  createModelServerLocator(),
]

export { createComputeLocator, createModelServerLocator }
export type { ComputeOptions } from './compute/compute'
export type { ModelServerOptions } from './servers/model-servers'
// The production ports live in ./system-info (createSystemInfoPort, loads systeminformation) and
// ./sockets (createSocketsPort); they are not re-exported here so loading the locator registry
// does not load systeminformation.
