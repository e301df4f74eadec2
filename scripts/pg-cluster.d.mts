export type PgCluster = {
  port: number
  dir: string
  adminUrl: string
  urlFor(db: string): string
  createDatabase(name: string): string
  stop(): void
}
export function pgBinDir(): string
export function startPgCluster(opts?: {
  parent?: string
  port?: number
  durable?: boolean
  settings?: string[]
}): Promise<PgCluster>
