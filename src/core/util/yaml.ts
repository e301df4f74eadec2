import { createRequire } from 'node:module'
import type * as YamlModule from 'yaml'

let yaml: typeof YamlModule | undefined

/**
 * yaml's `parse`, with the library loaded on first use: loading it costs about 20 ms, and most
 * scans of a home with no YAML config (no kubeconfig, no ComfyUI or LocalAI files) never need it.
 * The require is resolved from this module's own location, so it works from the sources (tests),
 * the CLI bundle and the Electron bundle alike.
 */
export function parseYaml(
  text: string,
  options?: YamlModule.ParseOptions &
    YamlModule.DocumentOptions &
    YamlModule.SchemaOptions &
    YamlModule.ToJSOptions,
): unknown {
  yaml ??= createRequire(__filename)('yaml') as typeof YamlModule
  // The library reports warnings (an unresolved `!tag`, which quotes the tagged value: a password
  // written `!secret` in a config) on stderr; the core never prints. Errors still throw.
  return yaml.parse(text, { logLevel: 'error', ...options })
}
