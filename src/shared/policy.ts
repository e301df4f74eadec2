/**
 * Fleet policies: what an admin defines on the server, ships to devices in `config`
 * (sync-api.ts `Policy.rule`) and each device evaluates against its own inventory, reporting
 * violations back as findings. One TypeBox schema per policy type, discriminated by `type`;
 * docs/policies.md documents each with examples. The server validates a rule before storing it
 * and the device validates it again before evaluating (an older or newer server may send a type
 * or field this build does not know: that is reported as a `policy.invalid` finding, never a
 * crash). No Node or DOM types: shared by the server, core and the dashboard.
 */
import Type from 'typebox'
import type { Static } from 'typebox'

export const POLICY_MODES = ['allow', 'block'] as const
export type PolicyMode = (typeof POLICY_MODES)[number]

/** A model format name as the scanners report it (`gguf`, `safetensors`, `pickle`, ...). */
const FormatName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,31}$' })

/**
 * A model source pattern: `hf:ORG/REPO` (a Hugging Face repository; `*` matches any run of
 * characters, so `hf:meta-llama/*` is one organisation), `ollama:NAME` (an Ollama model as
 * `ollama list` names it, `ollama:*` for all), or `local:STORE` (any other store or loose file:
 * `local:lm-studio`, `local:crawl`, `local:*`).
 */
export const SOURCE_PATTERN = '^(hf|ollama|local):[A-Za-z0-9*._:/@-]{1,200}$'
const SourcePattern = Type.String({ pattern: SOURCE_PATTERN, maxLength: 210 })

/** A command name an MCP server or agent may not be launched with (`npx`, `uvx`, `docker`). */
const CommandName = Type.String({ pattern: '^[A-Za-z0-9._+-]{1,64}$' })

export const PACKAGE_RUNNERS = ['npx', 'bunx', 'pnpm', 'yarn', 'uvx', 'pipx', 'uv'] as const

const list = <T extends ReturnType<typeof Type.String>>(item: T) =>
  Type.Array(item, { minItems: 1, maxItems: 256, uniqueItems: true })

export const ModelFormatRule = Type.Object(
  {
    type: Type.Literal('model-format'),
    /** allow: every model format outside `formats` is a violation; block: every one inside. */
    mode: Type.Enum(POLICY_MODES),
    formats: list(FormatName),
  },
  { additionalProperties: false },
)

export const ModelSourceRule = Type.Object(
  {
    type: Type.Literal('model-source'),
    mode: Type.Enum(POLICY_MODES),
    sources: list(SourcePattern),
  },
  { additionalProperties: false },
)

export const ScanSettingsRule = Type.Object(
  {
    type: Type.Literal('scan-settings'),
    /** Model files must be hashed (SHA-256): fleet search by hash needs it. */
    hashing: Type.Optional(Type.Literal(true)),
    /** The desktop app's background watcher must be on. */
    watcher: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false, minProperties: 2 },
)

export const McpRunnerRule = Type.Object(
  {
    type: Type.Literal('mcp-runner'),
    /** Commands (base names, case-insensitive) no MCP server may be started with. */
    commands: list(CommandName),
  },
  { additionalProperties: false },
)

export const UnpinnedPackageRule = Type.Object(
  {
    type: Type.Literal('unpinned-package'),
    /** Only these package runners (default: all of them). */
    runners: Type.Optional(
      Type.Array(Type.Enum(PACKAGE_RUNNERS), { minItems: 1, maxItems: 16, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
)

export const KeyFileModeRule = Type.Object(
  {
    type: Type.Literal('key-file-mode'),
    /** Octal, e.g. `600`: a file holding a key may grant no permission bit outside it (POSIX). */
    maxMode: Type.String({ pattern: '^0?[0-7]{3}$' }),
  },
  { additionalProperties: false },
)

/** Every policy type's schema, by `type`, in the order the docs and the dashboard list them. */
export const POLICY_RULES = {
  'model-format': ModelFormatRule,
  'model-source': ModelSourceRule,
  'scan-settings': ScanSettingsRule,
  'mcp-runner': McpRunnerRule,
  'unpinned-package': UnpinnedPackageRule,
  'key-file-mode': KeyFileModeRule,
} as const

export type PolicyType = keyof typeof POLICY_RULES
export const POLICY_TYPES = Object.keys(POLICY_RULES) as PolicyType[]

export const PolicyRule = Type.Union([
  ModelFormatRule,
  ModelSourceRule,
  ScanSettingsRule,
  McpRunnerRule,
  UnpinnedPackageRule,
  KeyFileModeRule,
])
export type PolicyRuleOf<T extends PolicyType> = Static<(typeof POLICY_RULES)[T]>
export type PolicyRule = { [T in PolicyType]: PolicyRuleOf<T> }[PolicyType]

/** What the dashboard shows for each type. */
export const POLICY_TYPE_LABELS: Readonly<Record<PolicyType, string>> = {
  'model-format': 'Model formats',
  'model-source': 'Model sources',
  'scan-settings': 'Required scan settings',
  'mcp-runner': 'Forbidden MCP runners',
  'unpinned-package': 'Unpinned MCP packages',
  'key-file-mode': 'Key file permissions',
}

export function isPolicyType(t: unknown): t is PolicyType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(POLICY_RULES, t)
}
