export { findEocd, hasValidCentralDirectory, readZipDirectory } from './reader'
export type { ZipDirectory, ZipEntry } from './reader'
export { archiveKind, isTraversalName, scanZip, zipScanner } from './scanner'
