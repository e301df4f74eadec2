/**
 * Core data types. They live in the leaf module src/shared/types.ts (which imports nothing), so
 * the renderer and the server can use them without reaching into core; core modules keep
 * importing them from here.
 */
export * from '../shared/types'
