import type { Rule } from './types'

/** Rules of the pickle-family scanners (pickle, PyTorch, joblib, numpy, zip containers). */
export const PICKLE_RULES: readonly Rule[] = []
