import type { ModelFileReport } from '../../scanners/types'

/** Messages between the scan engine and a model-analysis worker. */
export type AnalysisRequest = Readonly<{ id: number; path: string; fileName?: string }>

export type AnalysisReply =
  Readonly<{ id: number; report: ModelFileReport }> | Readonly<{ id: number; error: string }>
