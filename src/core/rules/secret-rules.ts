import type { Rule } from './types'

/** Rules of the secrets engine and workstation posture checks. */
export const SECRET_RULES: readonly Rule[] = []
