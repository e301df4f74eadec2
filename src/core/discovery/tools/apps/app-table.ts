/** AI desktop apps and how each is recognised per platform (discovery.md §2, [k] entries). */
export type AppSpec = Readonly<{
  id: string
  name: string
  /** macOS bundle names looked for in /Applications and ~/Applications. */
  macApps: readonly string[]
  /** Matched against a Linux .desktop file's Name= and file name, and AppImage file names. */
  linux: RegExp
  /** Install dirs relative to %LOCALAPPDATA% on Windows. */
  win: readonly string[]
}>

export const AI_APPS: readonly AppSpec[] = [
  {
    id: 'claude-desktop',
    name: 'Claude',
    macApps: ['Claude.app'],
    linux: /^claude([-_ ]?desktop)?\b/i,
    win: ['AnthropicClaude', 'Programs/Claude'],
  },
  {
    id: 'chatgpt',
    name: 'ChatGPT',
    macApps: ['ChatGPT.app'],
    linux: /^chatgpt\b/i,
    win: ['Programs/ChatGPT'],
  },
  {
    id: 'lm-studio',
    name: 'LM Studio',
    macApps: ['LM Studio.app'],
    linux: /^lm[-_ ]?studio\b/i,
    win: ['Programs/LM Studio', 'Programs/lm-studio'],
  },
  {
    id: 'jan',
    name: 'Jan',
    macApps: ['Jan.app'],
    linux: /^jan([-_ ]|$|\.)/i,
    win: ['Programs/Jan', 'Programs/jan'],
  },
  {
    id: 'msty',
    name: 'Msty',
    macApps: ['Msty.app', 'Msty Studio.app'],
    linux: /^msty\b/i,
    win: ['Programs/Msty', 'Programs/MstyStudio'],
  },
  {
    id: 'cursor',
    name: 'Cursor',
    macApps: ['Cursor.app'],
    linux: /^cursor\b/i,
    win: ['Programs/cursor'],
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    macApps: ['Windsurf.app'],
    linux: /^windsurf\b/i,
    win: ['Programs/Windsurf'],
  },
  {
    id: 'ollama-app',
    name: 'Ollama',
    macApps: ['Ollama.app'],
    linux: /^ollama\b/i,
    win: ['Programs/Ollama'],
  },
  {
    id: 'gpt4all',
    name: 'GPT4All',
    macApps: ['gpt4all.app', 'GPT4All.app'],
    linux: /^gpt4all\b/i,
    win: ['Programs/GPT4All'],
  },
  {
    id: 'anythingllm',
    name: 'AnythingLLM',
    macApps: ['AnythingLLM.app'],
    linux: /^anythingllm\b/i,
    win: ['Programs/AnythingLLM', 'Programs/anythingllm-desktop'],
  },
  { id: 'kiro', name: 'Kiro', macApps: ['Kiro.app'], linux: /^kiro\b/i, win: ['Programs/Kiro'] },
]

export function appForLinuxName(name: string): AppSpec | undefined {
  return AI_APPS.find((a) => a.linux.test(name.trim()))
}
