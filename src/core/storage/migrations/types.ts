export type Migration = Readonly<{
  /** Multiples of 10, strictly increasing; stored in PRAGMA user_version. */
  version: number
  name: string
  up: string
}>
