import type { Notifier } from './notifier'
import { slackNotifier } from './notifiers/slack'
import { webhookNotifier } from './notifiers/webhook'

/**
 * Notifier kinds, in one ordered registry: a new kind is one file in notifiers/ and one line here
 * (its config fields are checked by alerts/config.ts through `required`).
 */
export type NotifierFactory = Readonly<{
  required: readonly string[]
  create(fields: Readonly<Record<string, string>>): Notifier
}>

export const NOTIFIER_KINDS: Readonly<Record<string, NotifierFactory>> = {
  slack: {
    required: ['name', 'url'],
    create: (f) => slackNotifier({ name: f.name!, url: f.url! }),
  },
  webhook: {
    required: ['name', 'url', 'secret'],
    create: (f) => webhookNotifier({ name: f.name!, url: f.url!, secret: f.secret! }),
  },
}
