export { analyzeChatTemplate, analyzeTemplateText, isDangerousName } from './analyze'
export type { AnalyzeOptions, TemplateFinding } from './analyze'
