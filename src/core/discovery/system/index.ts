import type { Locator } from '../types'

/** Packages, environments, AI platforms, compute and model servers, in probe order. */
export const SYSTEM_LOCATORS: readonly Locator[] = []
