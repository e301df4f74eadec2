/**
 * The maintained list of AI assistant extensions and plugins. Only these are reported; every
 * other extension is ignored. Ids are lower-case (VS Code ids are case-insensitive). Sources:
 * discovery.md §2 (marked [k] there unless noted) and the Marketplace / JetBrains pages of each
 * product. Add a row to support a new assistant.
 */
export type AiExtension = Readonly<{ id: string; product: string; vendor: string }>

export const VSCODE_AI_EXTENSIONS: readonly AiExtension[] = [
  { id: 'github.copilot', product: 'GitHub Copilot', vendor: 'GitHub' },
  { id: 'github.copilot-chat', product: 'GitHub Copilot Chat', vendor: 'GitHub' },
  { id: 'continue.continue', product: 'Continue', vendor: 'Continue' },
  { id: 'saoudrizwan.claude-dev', product: 'Cline', vendor: 'Cline' },
  { id: 'rooveterinaryinc.roo-cline', product: 'Roo Code', vendor: 'Roo Code' },
  { id: 'kilocode.kilo-code', product: 'Kilo Code', vendor: 'Kilo Code' },
  { id: 'anthropic.claude-code', product: 'Claude Code', vendor: 'Anthropic' },
  { id: 'openai.chatgpt', product: 'Codex (ChatGPT)', vendor: 'OpenAI' },
  { id: 'google.geminicodeassist', product: 'Gemini Code Assist', vendor: 'Google' },
  { id: 'amazonwebservices.amazon-q-vscode', product: 'Amazon Q', vendor: 'AWS' },
  { id: 'sourcegraph.cody-ai', product: 'Cody', vendor: 'Sourcegraph' },
  { id: 'tabnine.tabnine-vscode', product: 'Tabnine', vendor: 'Tabnine' },
  { id: 'codeium.codeium', product: 'Windsurf Plugin (Codeium)', vendor: 'Codeium' },
  { id: 'supermaven.supermaven', product: 'Supermaven', vendor: 'Supermaven' },
  { id: 'visualstudioexptteam.vscodeintellicode', product: 'IntelliCode', vendor: 'Microsoft' },
  { id: 'danielsanmedium.dscodegpt', product: 'CodeGPT', vendor: 'CodeGPT' },
  { id: 'genieai.chatgpt-vscode', product: 'Genie AI', vendor: 'Genie AI' },
  { id: 'blackboxapp.blackbox', product: 'Blackbox AI', vendor: 'Blackbox' },
  { id: 'bito.bito', product: 'Bito', vendor: 'Bito' },
  { id: 'qodo.qodo-gen', product: 'Qodo Gen', vendor: 'Qodo' },
  { id: 'augment.vscode-augment', product: 'Augment', vendor: 'Augment Code' },
  { id: 'ms-windows-ai-studio.windows-ai-studio', product: 'AI Toolkit', vendor: 'Microsoft' },
  { id: 'openai.openai-chatgpt-adhoc', product: 'ChatGPT (ad hoc)', vendor: 'OpenAI' },
]

/** JetBrains plugins by plugin id and by the folder name they install into. */
export type JetBrainsAiPlugin = AiExtension & Readonly<{ folders: readonly string[] }>

export const JETBRAINS_AI_PLUGINS: readonly JetBrainsAiPlugin[] = [
  {
    id: 'com.intellij.ml.llm',
    folders: ['ml-llm'],
    product: 'JetBrains AI Assistant',
    vendor: 'JetBrains',
  },
  {
    id: 'com.github.copilot',
    folders: ['github-copilot-intellij'],
    product: 'GitHub Copilot',
    vendor: 'GitHub',
  },
  {
    id: 'com.github.continuedev.continueintellijextension',
    folders: ['continue', 'continue-intellij-extension'],
    product: 'Continue',
    vendor: 'Continue',
  },
  {
    id: 'com.codeium.intellij',
    folders: ['codeium'],
    product: 'Windsurf Plugin (Codeium)',
    vendor: 'Codeium',
  },
  {
    id: 'com.tabnine.tabnine',
    folders: ['tabnine', 'tabnine-intellij'],
    product: 'Tabnine',
    vendor: 'Tabnine',
  },
  { id: 'amazon.q', folders: ['amazon-q', 'amazonq'], product: 'Amazon Q', vendor: 'AWS' },
  {
    id: 'com.sourcegraph.jetbrains',
    folders: ['sourcegraph', 'cody'],
    product: 'Cody',
    vendor: 'Sourcegraph',
  },
  {
    id: 'com.anthropic.code.plugin',
    folders: ['claude-code-jetbrains-plugin', 'claude-code'],
    product: 'Claude Code',
    vendor: 'Anthropic',
  },
  {
    id: 'com.google.tools.ij.aiplugin',
    folders: ['gemini-code-assist', 'aiplugin'],
    product: 'Gemini Code Assist',
    vendor: 'Google',
  },
  {
    id: 'org.jetbrains.completion.full.line',
    folders: ['fullline', 'full-line'],
    product: 'Full Line Code Completion',
    vendor: 'JetBrains',
  },
  {
    id: 'com.supermaven.intellij',
    folders: ['supermaven'],
    product: 'Supermaven',
    vendor: 'Supermaven',
  },
  { id: 'com.intellij.ml.llm.junie', folders: ['junie'], product: 'Junie', vendor: 'JetBrains' },
]

const BY_VSCODE_ID = new Map(VSCODE_AI_EXTENSIONS.map((e) => [e.id, e]))

export function vscodeAiExtension(id: string): AiExtension | undefined {
  return BY_VSCODE_ID.get(id.toLowerCase())
}

export function jetbrainsAiPlugin(idOrFolder: string): JetBrainsAiPlugin | undefined {
  const k = idOrFolder.toLowerCase()
  return JETBRAINS_AI_PLUGINS.find((p) => p.id.toLowerCase() === k || p.folders.includes(k))
}
