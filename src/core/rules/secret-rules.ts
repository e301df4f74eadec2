import type { Rule } from './types'

/** Rules of the secrets engine and workstation posture checks. */
export const SECRET_RULES: readonly Rule[] = [
  {
    id: 'secret.ai-api-key',
    domain: 'secret',
    severity: 'high',
    title: 'AI provider API key stored in plain text',
    why: 'Anyone or anything that can read this file (a backup, a synced folder, a shared notebook, a malicious package or extension) can use the key to run up charges on your account and read or change data the provider holds for you, such as files, fine-tunes, assistants or organisation settings. Keys in notebook outputs and committed files travel wherever those files are shared.',
    fix: 'Revoke or rotate the key in the provider’s console, then keep the new one out of files: use the operating system keychain, a secrets manager or a password manager command (for example `$(pass show ...)`) and reference it through an environment variable. Clear notebook outputs before sharing.',
    cwe: [798, 312],
  },
  {
    id: 'posture.key-file-permissions',
    domain: 'posture',
    severity: 'medium',
    title: 'File holding an AI key is readable by other users',
    why: 'The file’s permissions let other accounts on this machine (or services running as them) read it, so the key is exposed beyond your own user.',
    fix: 'Restrict the file to your user: `chmod 600 <file>` (and `chmod 700` on its folder), then consider rotating the key if the machine is shared.',
    cwe: [732],
  },
  {
    id: 'posture.key-in-shell-history',
    domain: 'posture',
    severity: 'high',
    title: 'AI key recorded in shell history',
    why: 'A key typed or exported on the command line is saved in the shell history file, which is kept for a long time, copied by dotfile sync and backups, and rarely treated as secret.',
    fix: 'Rotate the key, delete the lines from the history file, and set keys from a secrets manager or a file read at runtime. Prefix sensitive commands with a space and set HISTCONTROL=ignorespace (bash) or setopt HIST_IGNORE_SPACE (zsh).',
    cwe: [532],
  },
  {
    id: 'posture.key-reused',
    domain: 'posture',
    severity: 'medium',
    title: 'The same AI key is stored in several places',
    why: 'Every extra copy is another place it can leak from, and a key spread over many projects is hard to rotate: forgotten copies keep working or break silently.',
    fix: 'Keep one copy in a secrets manager or keychain and reference it; use separate, scoped keys per project so each can be revoked on its own.',
    cwe: [798],
  },
  {
    id: 'posture.key-committed-to-git',
    domain: 'posture',
    severity: 'high',
    title: 'AI key in a file tracked by git',
    why: 'The file is in the git index, so the key is (or will be) in the repository history and goes wherever the repository is pushed or cloned. Removing the line later does not remove it from history.',
    fix: 'Rotate the key first, then stop tracking the file (`git rm --cached <file>`, add it to .gitignore) and, if the commit was pushed, rewrite history with a tool such as git filter-repo.',
    cwe: [540, 798],
  },
  {
    id: 'posture.env-not-gitignored',
    domain: 'posture',
    severity: 'medium',
    title: '.env file is not covered by .gitignore',
    why: 'Environment files hold keys and passwords. One inside a git working tree that no ignore rule covers is one `git add .` away from being committed and pushed.',
    fix: 'Add `.env` and `.env.*` (with `!.env.example` if you keep a template) to the repository’s .gitignore, and check `git status` that the file no longer shows up.',
    cwe: [538],
  },
]
